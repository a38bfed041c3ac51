using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Notes.Infrastructure.Auth;

/// <summary>
/// Bearer tokens the ASP.NET Core way: <c>AddJwtBearer</c> reads <see cref="AuthSettings.BearerSection"/> itself, so
/// any OpenID Connect provider (Keycloak, Entra ID, Auth0) or <c>dotnet user-jwts</c> works with no setting of ours.
/// </summary>
public static class AuthSetup
{
    private const string NotesPolicy = "notes";
    private const string MetricsPolicy = "metrics";

    public static WebApplicationBuilder AddNotesAuth(this WebApplicationBuilder builder)
    {
        var settings = AuthSettings.From(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddScoped<Caller>();
        builder.Services.AddHostedService<OpenModeGuard>();
        if (!settings.Bearer)
        {
            return builder;
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            // Claims keep the names the token gives them: "sub" stays "sub".
            options.MapInboundClaims = false;
            // A token signed with a key the provider just published is accepted within a minute: an unknown key id
            // fetches the keys again at most every 30 s (the default, 5 minutes, would refuse a rotated key that long).
            options.RefreshInterval = TimeSpan.FromSeconds(30);
            // Nothing reads the token back from the authentication properties: storing it costs every request.
            options.SaveToken = false;
            var accepted = CachingTokenHandler.Use(options);
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = context => LookUpAccepted(context, accepted, settings.OwnerClaim),
                OnTokenValidated = context => NameOwner(context, settings.OwnerClaim),
                OnChallenge = BearerProblems.ChallengeAsync,
                OnForbidden = BearerProblems.ForbiddenAsync,
            };
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy(NotesPolicy, policy =>
        {
            policy.RequireAuthenticatedUser();
            if (settings.RequireScopes)
            {
                policy.AddRequirements(new ScopeRequirement());
            }
        }).AddPolicy(MetricsPolicy, policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
            ScopeRequirement.Scopes(context.User).Contains(AuthSettings.MetricsScope)));
        return builder;
    }

    /// <summary>
    /// A token accepted before, with its owner, is taken as it is, before the handler sets up its validation (the
    /// signing keys, a copy of the parameters), which costs a read of one note a tenth of its time, and without
    /// copying the token out of the header; any other is verified in full.
    /// </summary>
    private static Task LookUpAccepted(MessageReceivedContext context, CachingTokenHandler accepted, string claim)
    {
        const string scheme = "Bearer ";
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && accepted.Accepted(authorization.AsSpan(scheme.Length).Trim()) is { } identity
            && new ClaimsPrincipal(identity) is var principal
            && Owner(principal, claim) is { } owner)
        {
            context.HttpContext.RequestServices.GetRequiredService<Caller>().Owner = owner;
            context.Principal = principal;
            context.Success();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A token that names no owner is refused like any other invalid token: its notes would be no one's. So is one
    /// that names the built-in owner, whose notes are open mode's and those not yet handed to a person.
    /// </summary>
    private static Task NameOwner(TokenValidatedContext context, string claim)
    {
        if (context.Principal is { } principal && Owner(principal, claim) is { } owner)
        {
            context.HttpContext.RequestServices.GetRequiredService<Caller>().Owner = owner;
        }
        else
        {
            context.Fail($"The token names no owner in its '{claim}' claim.");
        }

        return Task.CompletedTask;
    }

    private static string? Owner(ClaimsPrincipal principal, string claim) =>
        principal.FindFirst(claim)?.Value is { } owner && !string.IsNullOrWhiteSpace(owner) && owner.Length <= Caller.MaxOwnerLength && owner != Caller.OpenModeOwner
            ? owner
            : null;

    /// <summary>Who calls, and whether they may: in the pipeline only when a bearer scheme is configured.</summary>
    public static WebApplication UseNotesAuth(this WebApplication app)
    {
        if (app.Services.GetRequiredService<AuthSettings>().Bearer)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        return app;
    }

    /// <summary>When callers sign in, metrics are for a token with the scope <see cref="AuthSettings.MetricsScope"/> alone.</summary>
    public static TBuilder RequireMetricsScraper<TBuilder>(this TBuilder builder, IServiceProvider services)
        where TBuilder : IEndpointConventionBuilder =>
        services.GetRequiredService<AuthSettings>().Bearer ? builder.RequireAuthorization(MetricsPolicy) : builder;

    /// <summary>Every notes endpoint needs a caller with a valid token when a bearer scheme is configured.</summary>
    public static TBuilder RequireNotesCaller<TBuilder>(this TBuilder builder, IServiceProvider services)
        where TBuilder : IEndpointConventionBuilder =>
        services.GetRequiredService<AuthSettings>().Bearer ? builder.RequireAuthorization(NotesPolicy) : builder;
}
