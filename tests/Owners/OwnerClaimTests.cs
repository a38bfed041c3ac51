using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Notes.Infrastructure.Auth;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Owners;

/// <summary>
/// The owner is the claim Auth:OwnerClaim names (here Entra ID's <c>oid</c>), not the subject, and a token without
/// it is refused like a forged one: its notes would be no one's.
/// </summary>
public sealed class OwnerClaimTests(OwnerClaimTests.OidOwnerApi api) : IClassFixture<OwnerClaimTests.OidOwnerApi>
{
    public sealed class OidOwnerApi : BearerTokenTests.SignedInApi
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Auth:OwnerClaim", "oid");
        }
    }

    [Fact]
    public async Task Should_keep_notes_apart_by_the_configured_owner_claim_whatever_the_subject()
    {
        using var alice = api.ClientWith(Token(new() { ["sub"] = "shared-subject", ["oid"] = "alice-object-id" }));
        using var bob = api.ClientWith(Token(new() { ["sub"] = "shared-subject", ["oid"] = "bob-object-id" }));

        var note = await (await alice.PostAsJsonAsync("/notes", new { text = "alice's" })).ShouldBeNoteAsync();

        (await (await alice.GetAsync($"/notes/{note.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe("alice's");
        await (await bob.GetAsync($"/notes/{note.Id()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData(Caller.OpenModeOwner)]
    public async Task Should_answer_401_to_a_token_without_a_persons_owner_claim_every_time_and_change_nothing(string? owner)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "alice" };
        if (owner is not null)
        {
            claims["oid"] = owner;
        }

        using var client = api.ClientWith(Token(claims));

        // the second time, its signature is known to be good: the owner is still asked for
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var response = await api.ChangesNothingAsync(() => client.PostAsJsonAsync("/notes", new { text = "no one's" }));

            await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer error=\"invalid_token\"");
        }
    }

    /// <summary>A token of the fixture's provider with exactly these claims (and the usual iss, aud, iat, nbf, exp).</summary>
    private string Token(Dictionary<string, object> claims) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = api.Issuer.Authority,
            Audience = TestIssuer.Audience,
            Claims = claims,
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(api.Issuer.CurrentKey(), SecurityAlgorithms.RsaSha256),
        });
}
