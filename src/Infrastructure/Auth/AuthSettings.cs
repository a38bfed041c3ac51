namespace Notes.Infrastructure.Auth;

/// <summary>
/// Who may call the API. With a bearer scheme configured in ASP.NET Core's standard section
/// (<c>Authentication:Schemes:Bearer</c>: <c>Authority</c>, <c>ValidAudiences</c>, <c>ValidIssuer</c>,
/// <c>SigningKeys</c>, ...) every call to /notes needs a valid token; without one the API runs open, as the seed did.
/// </summary>
public sealed record AuthSettings(bool Bearer, string OwnerClaim, bool RequireScopes, bool AllowAnonymous)
{
    public const string BearerSection = "Authentication:Schemes:Bearer";
    public const string ReadScope = "notes:read";
    public const string WriteScope = "notes:write";
    public const string MetricsScope = "notes:metrics";

    public static AuthSettings From(IConfiguration configuration) => new(
        configuration.GetSection(BearerSection).GetChildren().Any(),
        configuration["Auth:OwnerClaim"] is { Length: > 0 } claim ? claim : "sub",
        configuration.GetValue("Auth:RequireScopes", false),
        configuration.GetValue("Auth:AllowAnonymous", false));
}
