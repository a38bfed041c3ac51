using Microsoft.Extensions.Configuration;
using Notes.Infrastructure.Auth;

namespace Notes.Tests.Hosting;

/// <summary>Where open mode would listen, read from the settings Kestrel reads, and which of them stay on this machine.</summary>
public sealed class OpenModeTests
{
    [Theory]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://127.0.0.2:5000", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://+:5000", false)]
    [InlineData("http://*:5000", false)]
    [InlineData("http://0.0.0.0:5000", false)]
    [InlineData("http://[::]:5000", false)]
    [InlineData("http://10.0.0.7:5000", false)]
    [InlineData("http://notes.example:5000", false)]
    public void Should_tell_loopback_from_everything_else(string url, bool loopback) =>
        OpenModeGuard.IsLoopback(url).ShouldBe(loopback);

    [Fact]
    public void Should_read_urls_ports_and_kestrel_endpoints()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://localhost:5000; http://+:5001",
            ["http_ports"] = "8080",
            ["Kestrel:Endpoints:Public:Url"] = "http://0.0.0.0:5002",
        }).Build();

        OpenModeGuard.ListenUrls(configuration).ShouldBe(["http://localhost:5000", "http://+:5001", "http://*:8080", "http://0.0.0.0:5002"]);
    }

    [Fact]
    public void Should_listen_where_kestrel_does_by_default_when_nothing_is_set() =>
        OpenModeGuard.ListenUrls(new ConfigurationBuilder().Build()).ShouldBe(["http://localhost:5000"]);
}
