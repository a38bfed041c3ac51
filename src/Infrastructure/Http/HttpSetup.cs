using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Notes.Infrastructure.Auth;
using Notes.Infrastructure.Errors;
using Notes.Infrastructure.Hosting;
using Notes.Infrastructure.Idempotency;
using Notes.Infrastructure.Json;
using Notes.Infrastructure.Telemetry;

namespace Notes.Infrastructure.Http;

/// <summary>
/// What faces browsers and the network: the client's address behind a proxy, security headers, CORS,
/// the rate limit, request timeouts and request limits.
/// </summary>
public static class HttpSetup
{
    public static IServiceCollection AddNotesHttp(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            // X-Forwarded-For/-Proto are believed from loopback (ASP.NET Core's default) and from the addresses in
            // ForwardedHeaders:KnownProxies, so the rate limit counts the client behind a proxy, not the proxy.
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in KnownProxies(configuration))
            {
                options.KnownProxies.Add(proxy);
            }
        }).ValidateOnStart();
        // No "Server: Kestrel": what a server runs on tells an attacker where to look and a client nothing.
        services.Configure<KestrelServerOptions>(options => options.AddServerHeader = false);
        return services
            .AddNotesCors()
            .AddNotesRateLimit()
            .AddNotesRequestTimeouts()
            .AddNotesRequestLimits();
    }

    /// <summary>The middleware of every request, in the one order that works; each step says what it must follow.</summary>
    public static WebApplication UseNotesPipeline(this WebApplication app)
    {
        // Every answer, errors included, carries the security headers, and knows the client behind a proxy.
        app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeaders>();
        // Outside everything that answers, so that it logs the status the client gets.
        app.UseNotesRequestLog();
        app.UseNotesDrain();
        app.UseNotesProblemDetails();
        app.UseHeadAsGet();
        app.UseEmptyQueryValuesAsMissing();
        // Before routing, which answers 415 to a body it takes for a form.
        app.UseNotesJsonBodies();
        app.UseRouting();
        // After routing, as they read the endpoint's metadata; a preflight is answered before the rate limit.
        app.UseNotesBodyLimits();
        app.UseCors();
        // Before the rate limit, which counts a signed-in caller by owner.
        app.UseNotesAuth();
        app.UseRateLimiter();
        app.UseNotesIdempotency();
        app.UseRequestTimeouts();
        // Last: inside the request timeout, and after the body limit, which cannot change once the body is read.
        app.UseMiddleware<WholeRequestBody>();
        return app;
    }

    private static IEnumerable<IPAddress> KnownProxies(IConfiguration configuration)
    {
        var section = configuration.GetSection("ForwardedHeaders:KnownProxies");
        var values = section.Value is { } single
            ? single.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(child => child.Value).OfType<string>();
        foreach (var value in values)
        {
            yield return IPAddress.TryParse(value, out var address)
                ? address
                : throw new OptionsValidationException("ForwardedHeaders:KnownProxies", typeof(ForwardedHeadersOptions),
                    [$"ForwardedHeaders:KnownProxies: '{value}' is not an IP address."]);
        }
    }
}
