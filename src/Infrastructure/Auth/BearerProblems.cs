using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Notes.Infrastructure.Auth;

/// <summary>
/// 401 and 403 as problem details. A request without a token is told which scheme to use (<c>Bearer</c>, RFC 6750
/// 3.1: no error code); one whose token was refused, for whatever reason, <c>error="invalid_token"</c>. The reason
/// is not spelled out: it would tell a forger which check to defeat next.
/// </summary>
internal static class BearerProblems
{
    public static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        var refused = context.AuthenticateFailure is not null || context.Request.Headers.Authorization.Count > 0;
        response.Headers.WWWAuthenticate = refused ? "Bearer error=\"invalid_token\"" : "Bearer";
        await WriteAsync(context.HttpContext, "Unauthorized", refused
            ? "The bearer token is not valid: expired, not yet valid, not for this API, or not signed by its identity provider."
            : "This API needs a bearer token: send Authorization: Bearer <token> from its identity provider.");
    }

    public static Task ForbiddenAsync(ForbiddenContext context)
    {
        var method = context.Request.Method;
        var scope = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? AuthSettings.ReadScope : AuthSettings.WriteScope;
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{scope}\"";
        return WriteAsync(context.HttpContext, "Forbidden", $"This token does not allow this request: it needs the scope {scope}.");
    }

    private static async Task WriteAsync(HttpContext context, string title, string detail) =>
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = context.Response.StatusCode, Title = title, Detail = detail },
        });
}
