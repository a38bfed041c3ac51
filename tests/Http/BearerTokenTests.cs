using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.IdentityModel.Tokens;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>
/// With a bearer scheme configured, /notes takes only tokens of its identity provider (a real one on loopback:
/// discovery document, JWKS, RS256), and refuses every other kind with 401 and a Bearer challenge.
/// </summary>
public sealed class BearerTokenTests(BearerTokenTests.SignedInApi api) : IClassFixture<BearerTokenTests.SignedInApi>
{
    public sealed class SignedInApi : NotesApi
    {
        private TestIssuer? _issuer;

        public TestIssuer Issuer => _issuer ?? throw new InvalidOperationException("The fixture is not initialised yet.");

        /// <summary>Program reads whether a bearer scheme is configured while it composes the app.</summary>
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            foreach (var (key, value) in Issuer.Settings)
            {
                builder.UseSetting(key, value);
            }
        }

        public override async Task InitializeAsync()
        {
            _issuer = await TestIssuer.StartAsync();
            await base.InitializeAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            if (_issuer is not null)
            {
                await _issuer.DisposeAsync();
                _issuer = null;
            }
        }

        public HttpClient ClientWith(string? token)
        {
            var client = CreateClient();
            if (token is not null)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            return client;
        }
    }

    [Fact]
    public async Task Should_serve_a_caller_with_a_valid_token()
    {
        using var client = api.ClientWith(api.Issuer.Token("alice"));

        var note = await (await client.PostAsJsonAsync("/notes", new { text = "signed in" })).ShouldBeNoteAsync();

        (await (await client.GetAsync($"/notes/{note.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe("signed in");
    }

    [Fact]
    public async Task Should_answer_401_with_a_bearer_challenge_to_a_request_without_a_token()
    {
        using var client = api.ClientWith(null);

        var response = await api.ChangesNothingAsync(() => client.PostAsJsonAsync("/notes", new { text = "anonymous" }));

        (await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized))["detail"]!.GetValue<string>().ShouldContain("Authorization: Bearer");
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }

    public static TheoryData<string> RefusedTokens => new()
    {
        "expired",
        "not yet valid",
        "signed by another key",
        "for another audience",
        "alg none",
        "HS256 with the provider's public key",
        "not a token",
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Should_answer_401_invalid_token_and_change_nothing(string kind)
    {
        var token = Refused(kind);
        using var client = api.ClientWith(token);

        var response = await api.ChangesNothingAsync(() => client.PostAsJsonAsync("/notes", new { text = "forged" }));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer error=\"invalid_token\"");
        (await (await client.GetAsync("/notes")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Should_accept_a_token_signed_with_a_rotated_key_within_a_minute()
    {
        using (var before = api.ClientWith(api.Issuer.Token("alice")))
        {
            (await before.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        api.Issuer.Rotate();
        using var client = api.ClientWith(api.Issuer.Token("alice"));
        var deadline = DateTime.UtcNow.AddMinutes(1);
        HttpStatusCode status;
        while ((status = (await client.GetAsync("/notes")).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_keep_health_and_the_api_document_open()
    {
        using var client = api.ClientWith(null);

        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/openapi.json")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private string Refused(string kind)
    {
        var now = DateTime.UtcNow;
        return kind switch
        {
            "expired" => api.Issuer.Token("alice", notBefore: now.AddHours(-2), expires: now.AddHours(-1)),
            "not yet valid" => api.Issuer.Token("alice", notBefore: now.AddHours(1), expires: now.AddHours(2)),
            "signed by another key" => api.Issuer.Token("alice", signWith: TestIssuer.ForeignKey()),
            "for another audience" => api.Issuer.Token("alice", audience: "another-api"),
            "alg none" => Unsigned(api.Issuer.Token("alice")),
            "HS256 with the provider's public key" => api.Issuer.Token("alice", signWith: PublicKeyAsSecret()),
            "not a token" => "not.a.token",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>The same claims with <c>"alg": "none"</c> and no signature.</summary>
    private static string Unsigned(string token)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        return $"{header}.{token.Split('.')[1]}.";
    }

    /// <summary>The classic confusion: the provider's public key, which anyone can fetch, used as an HMAC secret.</summary>
    private SymmetricSecurityKey PublicKeyAsSecret()
    {
        var current = api.Issuer.CurrentKey();
        var pem = current.Rsa.ExportSubjectPublicKeyInfoPem();
        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(pem)) { KeyId = current.KeyId };
    }
}
