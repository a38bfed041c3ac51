using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>
/// With a bearer scheme configured, /notes takes only tokens of its identity provider (a real one on loopback:
/// discovery document, JWKS, RS256), and refuses every other kind with 401 and a Bearer challenge.
/// </summary>
public sealed class BearerTokenTests(BearerTokenTests.SignedInApi api) : IClassFixture<BearerTokenTests.SignedInApi>
{
    public class SignedInApi : NotesApi
    {
        private TestIssuer? _issuer;

        public TestIssuer Issuer => _issuer ?? throw new InvalidOperationException("The fixture is not initialised yet.");

        /// <summary>Every line the API logged, authentication's own at Debug included.</summary>
        public CapturedConsole Console => Services.GetServices<ILoggerProvider>().OfType<CapturedConsole>().Single();

        protected virtual bool RequireScopes => false;

        /// <summary>Program reads whether a bearer scheme is configured while it composes the app.</summary>
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            foreach (var (key, value) in Issuer.Settings)
            {
                builder.UseSetting(key, value);
            }

            builder.UseSetting("Auth:RequireScopes", RequireScopes ? "true" : "false");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.Authentication", "Debug");
            builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider, CapturedConsole>());
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

            GC.SuppressFinalize(this);
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

    private static readonly string[] RefusedKinds =
    [
        "expired",
        "not yet valid",
        "signed by another key",
        "for another audience",
        "alg none",
        "HS256 with the provider's public key",
        "not a token",
    ];

    public static TheoryData<string> RefusedTokens => new(RefusedKinds);

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
    public async Task Should_log_nothing_of_a_refused_or_accepted_token()
    {
        var tokens = RefusedKinds.Select(Refused).Append(api.Issuer.Token("alice")).ToArray();
        foreach (var token in tokens)
        {
            using var client = api.ClientWith(token);
            await client.GetAsync("/notes");
        }

        // The claims and the signature of each token (what "not.a.token" has of them is too short to tell)
        var secrets = tokens.SelectMany(token => token.Split('.').Skip(1)).Where(part => part.Length > 8);
        foreach (var secret in secrets)
        {
            api.Console.Lines.Where(line => line.Contains(secret, StringComparison.Ordinal)).ShouldBeEmpty();
        }

        api.Console.Lines.ShouldContain(line => line.Contains("Microsoft.AspNetCore.Authentication", StringComparison.Ordinal));
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

/// <summary>With <c>Auth:RequireScopes=true</c>: reads need notes:read (or notes:write), changes notes:write.</summary>
public sealed class BearerScopeTests(BearerScopeTests.ScopedApi api) : IClassFixture<BearerScopeTests.ScopedApi>
{
    public sealed class ScopedApi : BearerTokenTests.SignedInApi
    {
        protected override bool RequireScopes => true;
    }

    [Fact]
    public async Task Should_let_a_read_only_token_read_and_answer_403_to_its_writes()
    {
        using var reader = api.ClientWith(api.Issuer.Token("alice", scope: "openid notes:read"));

        (await reader.GetAsync("/notes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var response = await api.ChangesNothingAsync(() => reader.PostAsJsonAsync("/notes", new { text = "not allowed" }));

        (await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden))["detail"]!.GetValue<string>().ShouldContain("notes:write");
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer error=\"insufficient_scope\", scope=\"notes:write\"");
    }

    [Fact]
    public async Task Should_let_a_writer_write_and_read_with_scp_as_entra_id_sends_it()
    {
        using var writer = api.ClientWith(api.Issuer.Token("alice", scope: "notes:write", scopeClaim: "scp"));

        var note = await (await writer.PostAsJsonAsync("/notes", new { text = "allowed" })).ShouldBeNoteAsync();

        (await (await writer.GetAsync($"/notes/{note.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe("allowed");
    }

    [Fact]
    public async Task Should_answer_403_to_a_token_without_a_notes_scope()
    {
        using var stranger = api.ClientWith(api.Issuer.Token("alice", scope: "openid profile"));

        await (await stranger.GetAsync("/notes")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }
}
