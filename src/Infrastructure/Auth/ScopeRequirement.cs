using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Notes.Infrastructure.Auth;

/// <summary>
/// Reads need <c>notes:read</c> (or <c>notes:write</c>), every other method <c>notes:write</c>. The requirement is its
/// own handler, as ASP.NET Core's built-in requirements are: a registered handler would be asked on every request,
/// scopes required or not.
/// </summary>
internal sealed class ScopeRequirement : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.Resource is HttpContext http)
        {
            var scopes = Scopes(context.User);
            var isRead = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
            if (scopes.Contains(AuthSettings.WriteScope) || (isRead && scopes.Contains(AuthSettings.ReadScope)))
            {
                context.Succeed(requirement);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Scopes as RFC 9068 gives them (<c>scope</c>, space-separated) or as Entra ID does (<c>scp</c>, space-separated or
    /// one claim a scope).
    /// </summary>
    public static HashSet<string> Scopes(ClaimsPrincipal user) =>
        user.FindAll(claim => claim.Type is "scope" or "scp")
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
}
