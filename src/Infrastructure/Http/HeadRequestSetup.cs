namespace Notes.Infrastructure.Http;

/// <summary>HEAD works wherever GET does (RFC 9110): the GET is answered with its status and headers, and no body.</summary>
public static class HeadRequestSetup
{
    private static readonly object HeadKey = new();

    public static WebApplication UseHeadAsGet(this WebApplication app)
    {
        app.Use((context, next) => HttpMethods.IsHead(context.Request.Method) ? AnswerAsGetAsync(context, next) : next(context));
        return app;
    }

    /// <summary>Whether the GET being answered is a HEAD, for an answer that can skip the work of making its body.</summary>
    public static bool IsHead(HttpContext context) => context.Items.ContainsKey(HeadKey);

    private static async Task AnswerAsGetAsync(HttpContext context, RequestDelegate next)
    {
        context.Request.Method = HttpMethods.Get;
        context.Items[HeadKey] = true;
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
