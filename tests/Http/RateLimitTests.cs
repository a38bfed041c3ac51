using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>
/// With <c>RateLimit:RequestsPerMinute</c> set, each client address gets that many requests a minute; past them it
/// is answered 429 with Retry-After and problem details, while other addresses and health checks go on.
/// </summary>
public sealed class RateLimitTests(RateLimitTests.Api api) : IClassFixture<RateLimitTests.Api>
{
    private const int PerMinute = 3;

    /// <summary>The test server has no sockets: a test header stands for the connection's remote address.</summary>
    public sealed class Api() : ConfiguredNotesApi(new Dictionary<string, string?> { ["RateLimit:RequestsPerMinute"] = $"{PerMinute}" })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFromTestHeader>());
        }
    }

    [Fact]
    public async Task Should_answer_429_with_retry_after_once_an_address_has_used_its_requests()
    {
        using var client = ClientFrom(api, "198.51.100.1");
        for (var i = 0; i < PerMinute; i++)
        {
            (await client.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var refused = await client.GetAsync("/notes");

        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        problem["detail"]!.GetValue<string>().ShouldContain($"{PerMinute} requests a minute");
        var retryAfter = refused.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull();
        retryAfter.ShouldBeGreaterThan(TimeSpan.Zero);
        retryAfter.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(60 / PerMinute));
        (await client.PostAsync("/notes", HttpJson.AsJson("""{"text":"refused"}"""))).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await api.QueryAsync(session => Marten.QueryableExtensions.CountAsync(session.Query<global::Notes.Features.Notes.Note>())))
            .ShouldBe(0, "a refused request changes nothing");
    }

    [Fact]
    public async Task Should_count_each_address_on_its_own_and_never_limit_health_checks()
    {
        using var busy = ClientFrom(api, "198.51.100.2");
        using var other = ClientFrom(api, "198.51.100.3");
        for (var i = 0; i < PerMinute; i++)
        {
            (await busy.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await busy.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await other.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        for (var i = 0; i < 2 * PerMinute; i++)
        {
            (await busy.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Should_count_ipv6_clients_by_their_64_bit_prefix()
    {
        using var first = ClientFrom(api, "2001:db8:1:2::10");
        using var sameSubscriber = ClientFrom(api, "2001:db8:1:2:ffff::1");
        using var otherSubscriber = ClientFrom(api, "2001:db8:1:3::10");
        for (var i = 0; i < PerMinute; i++)
        {
            (await first.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await sameSubscriber.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await otherSubscriber.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_count_the_client_behind_a_proxy_on_loopback_by_its_forwarded_address()
    {
        // nginx on the same machine: the connection comes from 127.0.0.1, the client is in X-Forwarded-For.
        using var proxy = ClientFrom(api, "127.0.0.1");
        for (var i = 0; i < PerMinute; i++)
        {
            (await proxy.SendAsync(Forwarded("203.0.113.5"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await proxy.SendAsync(Forwarded("203.0.113.5"))).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await proxy.SendAsync(Forwarded("203.0.113.6"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        // a client that is not a known proxy cannot choose its own bucket
        using var spoofer = ClientFrom(api, "198.51.100.9");
        for (var i = 0; i < PerMinute; i++)
        {
            (await spoofer.SendAsync(Forwarded($"192.0.2.{i}"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await spoofer.SendAsync(Forwarded("192.0.2.200"))).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Should_answer_every_preflight_and_count_none_against_the_limit()
    {
        using var browser = ClientFrom(api, "198.51.100.4");
        for (var i = 0; i < 2 * PerMinute; i++)
        {
            var preflight = await browser.SendAsync(CorsTests.Preflight("/notes/1", "http://localhost:5000", "PUT", "content-type, if-match"));
            preflight.StatusCode.ShouldBe(HttpStatusCode.NoContent, $"preflight {i + 1}");
        }

        for (var i = 0; i < PerMinute; i++)
        {
            (await browser.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    private static HttpRequestMessage Forwarded(string client) =>
        new(HttpMethod.Get, "/notes") { Headers = { { "X-Forwarded-For", client } } };

    private static HttpClient ClientFrom(Api api, string address)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add(RemoteAddressFromTestHeader.Header, address);
        return client;
    }

    private sealed class RemoteAddressFromTestHeader : IStartupFilter
    {
        public const string Header = "X-Test-Remote-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[Header], out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>Without the setting there is no limit.</summary>
public sealed class NoRateLimitTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_not_limit_requests_by_default()
    {
        using var client = api.CreateClient();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ => (await client.GetAsync("/notes")).StatusCode));

        statuses.ShouldAllBe(status => status == HttpStatusCode.OK);
    }
}
