using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Notes.Infrastructure.Hosting;

/// <summary>Says in one sentence why the API did not start (it follows "The API did not start: "), for the failures an operator can act on.</summary>
internal static partial class StartupFailure
{
    /// <summary>The sentence, or null for a failure that is a fault of ours (then the exception is logged whole).</summary>
    public static string? Explain(Exception exception, bool stopRequested) => exception switch
    {
        StartupException startup => startup.Message,
        OperationCanceledException when stopRequested =>
            "a shutdown signal came while it was starting; it served nothing.",
        OptionsValidationException invalid => $"the configuration is not valid: {invalid.Message}",
        IOException io when IsAddressInUse(io) => PortInUse(io),
        _ => null,
    };

    private static bool IsAddressInUse(IOException exception) =>
        exception.InnerException is AddressInUseException
        || exception.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse };

    private static string PortInUse(IOException exception)
    {
        // Kestrel's message names the address: "Failed to bind to address http://127.0.0.1:5000: address already in use."
        var address = BoundAddress().Match(exception.Message);
        if (!address.Success)
        {
            return "cannot listen: the port is in use by another program. Stop it, or serve on another port: make run PORT=5001 (or --urls http://localhost:5001).";
        }

        var port = int.Parse(address.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var other = port == 5001 ? 5002 : 5001;
        return $"cannot listen on {address.Groups["url"].Value}: port {port} is in use by another program. "
            + $"Stop it, or serve on another port: make run PORT={other} (or --urls http://localhost:{other}).";
    }

    [GeneratedRegex(@"(?<url>https?://\S+?:(?<port>\d+))")]
    private static partial Regex BoundAddress();
}
