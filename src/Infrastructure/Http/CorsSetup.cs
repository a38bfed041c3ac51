using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Notes.Infrastructure.Http;

/// <summary>
/// CORS for the origins in <c>Cors:AllowedOrigins</c> (default <c>http://localhost:5000</c>, the API's own page):
/// a browser page from a listed origin may call the API; any other origin gets no <c>Access-Control-Allow-Origin</c>.
/// The setting is a list (<c>Cors__AllowedOrigins__0=...</c>) or one value with commas; empty allows no origin,
/// <c>*</c> allows every origin.
/// </summary>
public static class CorsSetup
{
    public const string DefaultOrigin = "http://localhost:5000";

    /// <summary>What a browser page may send and read beyond the CORS-safelisted headers.</summary>
    private static readonly string[] RequestHeaders = ["Content-Type", "If-Match", "If-None-Match", "Prefer", "Idempotency-Key"];

    private static readonly string[] ResponseHeaders = ["ETag", "Location", "Retry-After", "X-Total-Count", "Preference-Applied", "Link"];

    public static IServiceCollection AddNotesCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>()
            .Configure<IConfiguration>((options, configuration) => options.AddDefaultPolicy(policy =>
            {
                var origins = AllowedOrigins(configuration);
                if (origins.Contains("*"))
                {
                    policy.AllowAnyOrigin();
                }
                else
                {
                    policy.WithOrigins(origins);
                }

                policy.WithMethods("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
                    .WithHeaders(RequestHeaders)
                    .WithExposedHeaders(ResponseHeaders)
                    .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
            }))
            // A mistyped origin ("localhost:5000" without its scheme matches nothing) fails the start-up, not every request.
            .ValidateOnStart();
        return services;
    }

    public static string[] AllowedOrigins(IConfiguration configuration)
    {
        var section = configuration.GetSection("Cors:AllowedOrigins");
        var values = section.Value is { } single
            ? single.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(child => child.Value?.Trim()).OfType<string>().Where(value => value.Length > 0).ToArray();
        if (section.Value is null && values.Length == 0)
        {
            return [DefaultOrigin];
        }

        var invalid = values.Where(origin => origin != "*" && !IsOrigin(origin)).ToArray();
        return invalid.Length == 0
            ? values.Select(origin => origin.TrimEnd('/')).ToArray()
            : throw new OptionsValidationException("Cors:AllowedOrigins", typeof(CorsOptions),
                invalid.Select(origin => $"Cors:AllowedOrigins: '{origin}' is not an origin; write scheme://host[:port], e.g. {DefaultOrigin}."));
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;
}
