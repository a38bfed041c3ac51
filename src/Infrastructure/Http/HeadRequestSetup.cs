namespace Notes.Infrastructure.Http;

/// <summary>HEAD works wherever GET does (RFC 9110): the GET is answered with its status and headers, and no body.</summary>
public static class HeadRequestSetup
{
    public static WebApplication UseHeadAsGet(this WebApplication app)
    {
        app.Use((context, next) => HttpMethods.IsHead(context.Request.Method) ? AnswerAsGetAsync(context, next) : next(context));
        return app;
    }

    private static async Task AnswerAsGetAsync(HttpContext context, RequestDelegate next)
    {
        context.Request.Method = HttpMethods.Get;
        var body = context.Response.Body;
        context.Response.Body = Stream.Null;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
            context.Request.Method = HttpMethods.Head;
        }
    }
}
