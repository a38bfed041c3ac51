using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// The API with what the telemetry tests read: its console lines (<see cref="Console"/>), the spans it exports
/// (<see cref="Spans"/>, tracing on as with an OTLP endpoint) and any settings of the subclass on top.
/// </summary>
public class TelemetryApi : NotesApi
{
    private readonly List<Activity> _spans = [];

    public CapturedConsole Console => Services.GetServices<ILoggerProvider>().OfType<CapturedConsole>().Single();

    /// <summary>The spans exported so far that belong to one trace.</summary>
    public IReadOnlyList<Activity> Spans(ActivityTraceId trace)
    {
        lock (_spans)
        {
            return _spans.Where(span => span.TraceId == trace).ToList();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Telemetry:Tracing:Enabled", "true");
        // The request's own lines from ASP.NET Core too, to show that each one carries the trace id.
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Information");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ILoggerProvider, CapturedConsole>();
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(new LockedList(_spans)));
        });
    }

    /// <summary>Spans end on the server's threads while a test reads them.</summary>
    private sealed class LockedList(List<Activity> spans) : ICollection<Activity>
    {
        public int Count => spans.Count;

        public bool IsReadOnly => false;

        public void Add(Activity item)
        {
            lock (spans)
            {
                spans.Add(item);
            }
        }

        public void Clear()
        {
            lock (spans)
            {
                spans.Clear();
            }
        }

        public bool Contains(Activity item) => spans.Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => spans.CopyTo(array, arrayIndex);

        public bool Remove(Activity item) => spans.Remove(item);

        public IEnumerator<Activity> GetEnumerator() => spans.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
