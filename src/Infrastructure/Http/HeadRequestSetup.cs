namespace Notes.Infrastructure.Http;

/// <summary>HEAD works wherever GET does (RFC 9110): the GET is answered with its status and headers, and no body.</summary>
public static class HeadRequestSetup
{
    public static WebApplication UseHeadAsGet(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await next(context);
                return;
            }

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
        });
        return app;
    }
}
