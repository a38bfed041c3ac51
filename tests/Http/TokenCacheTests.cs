using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Notes.Infrastructure.Auth;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>
/// A bearer token is verified once and then looked up (CachingTokenHandler), without letting through what a full
/// verification would refuse: a cached token that has expired, a tampered copy of a cached token.
/// </summary>
public sealed class TokenCacheTests(TokenCacheTests.NoSkewApi api) : IClassFixture<TokenCacheTests.NoSkewApi>
{
    /// <summary>No clock skew, so that a token expires when its exp says and a test need not wait five minutes more.</summary>
    public sealed class NoSkewApi : BearerTokenTests.SignedInApi
    {
        internal CachingTokenHandler Cache => Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>()
            .Get(JwtBearerDefaults.AuthenticationScheme).TokenHandlers.OfType<CachingTokenHandler>().Single();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.PostConfigure<JwtBearerOptions>(
                JwtBearerDefaults.AuthenticationScheme, options => options.TokenValidationParameters.ClockSkew = TimeSpan.Zero));
        }
    }

    [Fact]
    public async Task Should_accept_the_same_token_on_every_request_and_keep_it_once()
    {
        var token = api.Issuer.Token("carol");
        using var client = api.ClientWith(token);
        var cachedBefore = api.Cache.Count;

        var note = await (await client.PostAsJsonAsync("/notes", new { text = "cached token" })).ShouldBeNoteAsync();
        for (var request = 0; request < 3; request++)
        {
            (await (await client.GetAsync($"/notes/{note.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe("cached token");
        }

        api.Cache.Count.ShouldBe(cachedBefore + 1);
    }

    [Fact]
    public async Task Should_refuse_a_cached_token_once_it_has_expired()
    {
        var expires = DateTime.UtcNow.AddSeconds(3);
        using var client = api.ClientWith(api.Issuer.Token("dave", expires: expires));
        (await client.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // exp counts whole seconds: the token is over at the latest one second after the second it names
        await Task.Delay(expires.AddSeconds(1.5) - DateTime.UtcNow);

        var refused = await client.GetAsync("/notes");
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
    }

    [Fact]
    public async Task Should_refuse_a_tampered_copy_of_a_cached_token()
    {
        var token = api.Issuer.Token("erin");
        using var genuine = api.ClientWith(token);
        (await genuine.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var cached = api.Cache.Count;

        // one character in the middle of the signature: the last one may only carry padding bits
        var signature = token.LastIndexOf('.') + 20;
        var tampered = token[..signature] + (token[signature] == 'A' ? 'B' : 'A') + token[(signature + 1)..];
        using var forger = api.ClientWith(tampered);

        (await forger.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await forger.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        api.Cache.Count.ShouldBe(cached, "a refused token is never kept");
        (await genuine.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_look_a_verified_token_up_instead_of_verifying_it_again()
    {
        using var handler = new CachingTokenHandler();
        var token = api.Issuer.Token("frank");
        var parameters = Parameters();
        (await handler.ValidateTokenAsync(token, parameters)).IsValid.ShouldBeTrue();

        // a verification now would fail: only the key it would need is gone
        parameters.IssuerSigningKey = TestIssuer.ForeignKey();
        var lookedUp = await handler.ValidateTokenAsync(token, parameters);

        lookedUp.IsValid.ShouldBeTrue();
        lookedUp.ClaimsIdentity.FindFirst("sub")?.Value.ShouldBe("frank");
        (await handler.ValidateTokenAsync(api.Issuer.Token("grace"), parameters)).IsValid.ShouldBeFalse("another token is verified");
    }

    [Fact]
    public async Task Should_keep_no_more_token_text_than_its_capacity_and_still_accept_the_others()
    {
        var tokens = Enumerable.Range(0, 10).Select(caller => api.Issuer.Token($"caller {caller}")).ToList();
        using var handler = new CachingTokenHandler(capacity: 3 * tokens.Max(token => token.Length));
        var parameters = Parameters();

        foreach (var token in tokens)
        {
            var result = await handler.ValidateTokenAsync(token, parameters);
            result.IsValid.ShouldBeTrue(result.Exception?.Message);
            handler.Count.ShouldBeLessThanOrEqualTo(3);
        }

        var forged = await handler.ValidateTokenAsync(api.Issuer.Token("forger", signWith: TestIssuer.ForeignKey()), parameters);
        forged.IsValid.ShouldBeFalse();
        handler.Count.ShouldBeLessThanOrEqualTo(3);
    }

    /// <summary>What the API checks a token of its issuer against, without the API.</summary>
    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = api.Issuer.Authority,
        ValidAudience = TestIssuer.Audience,
        IssuerSigningKey = api.Issuer.CurrentKey(),
    };
}
