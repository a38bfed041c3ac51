using System.Diagnostics;
using System.Globalization;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// The built API (Notes.dll beside the tests) run as its own process on 127.0.0.1, for what only a real process
/// shows: how it starts, fails to start, and stops on a signal. Settings are passed as environment variables.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private static readonly string[] SeedVariables = ["db_host", "db_port", "db_name", "db_user", "db_pass", "ssl_mode"];

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly long _started = Stopwatch.GetTimestamp();

    private ApiProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public int ExitCode => _process.ExitCode;

    /// <summary>What the process has written so far, stdout and stderr, line by line.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Output => string.Join('\n', Lines);

    /// <summary>Log lines at error or critical level.</summary>
    public IReadOnlyList<string> Failures => Lines.Where(line => line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal)).ToList();

    /// <summary>Starts the API on <paramref name="port"/> (a free one when null), and also on <paramref name="alsoOn"/>.</summary>
    public static ApiProcess Start(IReadOnlyDictionary<string, string> settings, int? port = null, int? alsoOn = null)
    {
        var listenPort = port ?? FreePort.Next();
        var urls = alsoOn is { } other ? $"http://127.0.0.1:{listenPort};http://127.0.0.1:{other}" : $"http://127.0.0.1:{listenPort}";
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Notes.dll"), "--urls", urls])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = null;
        start.Environment["ConnectionStrings__Notes"] = null;
        foreach (var variable in SeedVariables)
        {
            start.Environment[variable] = null;
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = start };
        var api = new ApiProcess(process, listenPort);
        process.OutputDataReceived += (_, line) => api.Add(line.Data);
        process.ErrorDataReceived += (_, line) => api.Add(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return api;
    }

    /// <summary>Time since the process was started.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (Lines.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The API did not write '{text}' within {timeout.TotalSeconds} s. It wrote:\n{Output}");
    }

    /// <summary>Waits until /health/ready answers 200.</summary>
    public async Task WaitUntilReadyAsync(HttpClient client, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(BaseAddress, "/health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The API was not ready within {timeout.TotalSeconds} s. It wrote:\n{Output}");
    }

    /// <summary>Waits for the process to end; false if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends SIGTERM, as <c>kill</c>, systemd or a container runtime does to stop a service.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }
    }
}
