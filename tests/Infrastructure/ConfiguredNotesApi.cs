using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Notes.Tests.Infrastructure;

/// <summary>The API on a database of its own, with settings of the test's on top of the usual ones.</summary>
public abstract class ConfiguredNotesApi(IReadOnlyDictionary<string, string?> settings) : NotesApi
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
    }
}
