using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Tests.Http;

namespace Notes.Tests.Owners;

/// <summary>
/// Abuse is counted per person once people sign in: the rate limit and the import slots key on the owner, so two
/// people behind one address do not share a bucket, and one person cannot hold every import slot.
/// </summary>
public sealed class OwnerLimitsTests(OwnerLimitsTests.LimitedApi api) : IClassFixture<OwnerLimitsTests.LimitedApi>
{
    public sealed class LimitedApi : BearerTokenTests.SignedInApi
    {
        protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["RateLimit:RequestsPerMinute"] = "3",
            ["Imports:MaxConcurrent"] = "2",
        };
    }

    [Fact]
    public async Task Should_limit_each_owner_on_their_own_from_one_address()
    {
        using var alice = api.ClientWith(api.Issuer.Token($"alice-{Guid.NewGuid():N}"));
        using var bob = api.ClientWith(api.Issuer.Token($"bob-{Guid.NewGuid():N}"));

        var alices = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            alices.Add((await alice.GetAsync("/notes")).StatusCode);
        }

        var refused = await alice.GetAsync("/notes");
        var bobs = await bob.GetAsync("/notes");

        alices.ShouldBe([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests]);
        (await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests))["detail"]!.GetValue<string>().ShouldStartWith("This account has used its 3 requests a minute");
        bobs.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_keep_import_slots_for_others_while_one_owner_holds_their_share()
    {
        var (aliceName, bobName) = ($"alice-{Guid.NewGuid():N}", $"bob-{Guid.NewGuid():N}");
        using var alice = api.ClientWith(api.Issuer.Token(aliceName));
        using var bob = api.ClientWith(api.Issuer.Token(bobName));

        using (api.Services.GetRequiredService<ImportSlots>().Enter(aliceName))
        {
            var refused = await alice.PostAsJsonAsync("/notes/import", new[] { new { text = "a second import of alice's" } });
            var accepted = await bob.PostAsJsonAsync("/notes/import", new[] { new { text = "bob's import" } });

            (await refused.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable))["title"]!.GetValue<string>().ShouldBe("Too many imports of yours in progress");
            refused.Headers.RetryAfter.ShouldNotBeNull();
            accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }
}
