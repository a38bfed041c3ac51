using System.Net;
using Notes.Infrastructure.Hosting;

namespace Notes.Infrastructure.Auth;

/// <summary>
/// Open mode (no bearer scheme) says so at start-up, and is refused when the API would listen beyond loopback,
/// unless <c>Auth:AllowAnonymous=true</c> says that is intended: anyone who reaches an open API reads every note.
/// A hosted service starts before Kestrel listens, so a refused start serves nothing.
/// </summary>
internal sealed partial class OpenModeGuard(AuthSettings settings, IConfiguration configuration, ILogger<OpenModeGuard> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Bearer)
        {
            LogBearer(logger, settings.OwnerClaim, settings.RequireScopes ? "required" : "not required");
            return Task.CompletedTask;
        }

        var exposed = ListenUrls(configuration).Where(url => !IsLoopback(url)).ToArray();
        if (exposed.Length > 0 && !settings.AllowAnonymous)
        {
            throw new StartupException(
                $"it would serve every note to anyone on {string.Join(", ", exposed)} with no sign-in: configure a bearer scheme "
                + $"({AuthSettings.BearerSection}:Authority, see docs/security.md), listen on loopback only, or set Auth:AllowAnonymous=true if that is intended.");
        }

        LogOpen(logger, exposed.Length > 0 ? "beyond loopback, as Auth:AllowAnonymous allows" : "on loopback only");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Where Kestrel will listen, from the settings it reads: urls, http_ports/https_ports, Kestrel:Endpoints.</summary>
    internal static IEnumerable<string> ListenUrls(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(Ports(configuration["http_ports"]).Select(port => $"http://*:{port}"))
            .Concat(Ports(configuration["https_ports"]).Select(port => $"https://*:{port}"))
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(endpoint => endpoint["Url"]).OfType<string>())
            .ToArray();
        return urls.Length > 0 ? urls : ["http://localhost:5000"];
    }

    internal static bool IsLoopback(string url)
    {
        var host = url.Split("://", 2) is [_, var rest] ? rest : url;
        host = host.Split('/', 2)[0];
        host = host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    private static string[] Ports(string? ports) =>
        (ports ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notes need a bearer token: owner from the claim {OwnerClaim}, scopes {Scopes}")]
    private static partial void LogBearer(ILogger logger, string ownerClaim, string scopes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Open mode: no bearer scheme is configured, so every caller is the one built-in owner and sees every note; listening {Where}")]
    private static partial void LogOpen(ILogger logger, string where);
}
