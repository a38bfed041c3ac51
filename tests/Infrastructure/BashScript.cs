using System.Diagnostics;

namespace Notes.Tests.Infrastructure;

/// <summary>Runs one of the project's shell scripts the way make does.</summary>
internal static class BashScript
{
    /// <summary>Runs <c>bash SCRIPT COMMAND</c> and returns its exit code and what it wrote (output, then errors).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string script, string command, IReadOnlyDictionary<string, string?> environment, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("bash", [script, command])
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not run bash.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await output + await errors).Trim());
    }
}
