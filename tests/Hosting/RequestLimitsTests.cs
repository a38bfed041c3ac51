using System.Net;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Hosting;

/// <summary>
/// The limits chosen for this API, against the real server (the test server enforces no header limits): at most 50
/// request headers of 16 KiB in all, JSON at most 16 levels deep. Each Kestrel limit can be changed by its name.
/// </summary>
public sealed class RequestLimitsTests
{
    [Fact]
    public async Task Should_refuse_too_many_or_too_large_headers_and_too_deep_json_and_let_settings_raise_a_limit()
    {
        var database = await TestDatabaseServer.CreateDatabaseAsync();
        try
        {
            await using var api = ApiProcess.Start(new Dictionary<string, string> { ["ConnectionStrings:Notes"] = database });
            await using var raised = ApiProcess.Start(new Dictionary<string, string>
            {
                ["ConnectionStrings:Notes"] = database,
                ["Kestrel:Limits:MaxRequestHeaderCount"] = "100",
            });
            using var client = new HttpClient();
            await api.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));
            await raised.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));

            (await client.SendAsync(WithHeaders(api, count: 40, size: 10))).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await client.SendAsync(WithHeaders(api, count: 60, size: 10))).StatusCode.ShouldBe(HttpStatusCode.RequestHeaderFieldsTooLarge);
            (await client.SendAsync(WithHeaders(api, count: 2, size: 9 * 1024))).StatusCode.ShouldBe(HttpStatusCode.RequestHeaderFieldsTooLarge);
            (await client.SendAsync(WithHeaders(raised, count: 60, size: 10))).StatusCode.ShouldBe(HttpStatusCode.OK);

            var deep = $$"""{"text":"deep","extra":{{new string('[', 20)}}{{new string(']', 20)}}}""";
            var refused = await client.PostAsync(new Uri(api.BaseAddress, "/notes"), HttpJson.AsJson(deep));
            await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            var shallow = $$"""{"text":"shallow enough","extra":{{new string('[', 10)}}{{new string(']', 10)}}}""";
            (await client.PostAsync(new Uri(api.BaseAddress, "/notes"), HttpJson.AsJson(shallow))).StatusCode.ShouldBe(HttpStatusCode.OK);
            var all = await (await client.GetAsync(new Uri(api.BaseAddress, "/notes/all"))).ShouldBeNoteArrayAsync();
            all.Select(note => note!.AsObject().Text()).ShouldBe(["shallow enough"]);
        }
        finally
        {
            await TestDatabaseServer.DropDatabaseAsync(database);
        }
    }

    private static HttpRequestMessage WithHeaders(ApiProcess api, int count, int size)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.BaseAddress, "/notes"));
        for (var i = 0; i < count; i++)
        {
            request.Headers.Add($"X-Filler-{i}", new string('a', size));
        }

        return request;
    }
}
