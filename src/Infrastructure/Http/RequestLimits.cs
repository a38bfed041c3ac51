using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Notes.Infrastructure.Http;

/// <summary>
/// Limits chosen for this API rather than left at Kestrel's and System.Text.Json's defaults. Each Kestrel limit
/// can be changed under its own name, e.g. <c>Kestrel__Limits__MaxRequestHeadersTotalSize</c>.
/// </summary>
public static class RequestLimits
{
    /// <summary>The deepest JSON this API reads or writes is 3 levels (a problem's <c>errors</c> map); anything
    /// past 16 is refused with 400 before it costs more than a few bytes of parsing.</summary>
    public const int MaxJsonDepth = 16;

    public static IServiceCollection AddNotesRequestLimits(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(options => options.SerializerOptions.MaxDepth = MaxJsonDepth);
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            var limits = options.Limits;
            // A request of this API needs a handful of short headers; 431 past these.
            limits.MaxRequestHeadersTotalSize = 16 * 1024;
            limits.MaxRequestHeaderCount = 50;
            limits.MaxRequestLineSize = 8 * 1024;
            // A client gets 10 s to send its headers (slow-header attacks hold connections otherwise).
            limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            // Longer than a proxy's idle timeout for its upstream connections (nginx: 60 s), so the proxy closes first.
            limits.KeepAliveTimeout = TimeSpan.FromSeconds(75);
            // Bodies (at most 64 KiB, see JsonSetup) must come at 240 bytes/s or more after a 5 s grace: Kestrel's default, kept.
            configuration.GetSection("Kestrel:Limits").Bind(limits);
        });
        return services;
    }
}
