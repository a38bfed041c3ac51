using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Net.Http.Headers;

namespace Notes.Infrastructure.Http;

/// <summary>
/// Security headers on every response, errors included (they are set as the response starts, so the exception
/// handler clearing a response does not remove them). The API answers JSON, which needs no content from anywhere:
/// its policy is <c>default-src 'none'</c>. The interactive docs under <c>/docs</c> get a policy that allows their
/// own scripts, styles and calls to this API, and the docs page's inline script by its hash, worked out from the
/// page itself so that a new version of the docs package keeps working.
/// </summary>
internal sealed partial class SecurityHeaders(RequestDelegate next)
{
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static readonly PathString Docs = new("/docs");
    private static readonly PathString DocsSlash = new("/docs/");
    private static readonly PathString DocsIndex = new("/docs/index.html");

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state => Apply((HttpContext)state), context);
        return IsDocsPage(context.Request) ? ServeDocsPageAsync(context) : next(context);
    }

    private static Task Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(Docs)
                ? DocsPolicy()
                : ApiPolicy;
        }

        return Task.CompletedTask;
    }

    /// <summary>The docs' own scripts, plus the page's inline ones by hash; styles inline too, as the docs set them at run time.</summary>
    private static string DocsPolicy(string scriptHashes = "") =>
        $"default-src 'self'; script-src 'self'{scriptHashes}; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
        + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    private static bool IsDocsPage(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && (request.Path == Docs || request.Path == DocsSlash || request.Path == DocsIndex);

    /// <summary>The docs page is small HTML: it is buffered to hash its inline scripts into its policy.</summary>
    private async Task ServeDocsPageAsync(HttpContext context)
    {
        var body = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }

        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var html = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            var hashes = InlineScript().Matches(html)
                .Select(script => $" 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script.Groups["code"].Value)))}'");
            context.Response.Headers.ContentSecurityPolicy = DocsPolicy(string.Concat(hashes));
        }

        context.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(body, context.RequestAborted);
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc\s*=)[^>]*>(?<code>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
