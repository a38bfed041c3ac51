using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// An OpenID Connect provider on loopback, as the API meets a real one: Kestrel on 127.0.0.1 serving a discovery
/// document and a JWKS, and RS256 tokens signed with its current key. <see cref="Rotate"/> makes a new current key
/// and publishes it beside the old ones, as providers do when they roll their keys.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    public const string Audience = "notes-api";

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<RsaSecurityKey> _published = [];
    private RsaSecurityKey _current;

    private TestIssuer(WebApplication app)
    {
        _app = app;
        _current = NewKey();
        _published.Add(_current);
    }

    /// <summary>The issuer's URL (<c>iss</c> of its tokens), where its discovery document is.</summary>
    public string Authority { get; private set; } = "";

    /// <summary>How many times the API fetched the keys: a cache that works fetches them rarely.</summary>
    public int KeyFetches { get; private set; }

    public static async Task<TestIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var issuer = new TestIssuer(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer.Authority,
            ["jwks_uri"] = $"{issuer.Authority}/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
        }));
        app.MapGet("/jwks", () => Results.Json(new { keys = issuer.PublishedKeys() }));
        await app.StartAsync();
        issuer.Authority = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return issuer;
    }

    /// <summary>The API's settings for this issuer, in ASP.NET Core's standard section.</summary>
    public IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Authentication:Schemes:Bearer:Authority"] = Authority,
        ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Audience,
        ["Authentication:Schemes:Bearer:RequireHttpsMetadata"] = "false",
    };

    /// <summary>
    /// A token for <paramref name="subject"/>, valid for an hour unless told otherwise; scopes in <c>scope</c> (RFC 9068)
    /// or, as Entra ID sends them, in <c>scp</c>.
    /// </summary>
    public string Token(
        string subject,
        string? scope = null,
        string scopeClaim = "scope",
        DateTime? expires = null,
        DateTime? notBefore = null,
        string audience = Audience,
        SecurityKey? signWith = null)
    {
        var now = DateTime.UtcNow;
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, subject) };
        if (scope is not null)
        {
            claims.Add(new Claim(scopeClaim, scope));
        }

        var key = signWith ?? CurrentKey();
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = (notBefore ?? now).AddSeconds(-1),
            NotBefore = notBefore ?? now.AddSeconds(-1),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(key, key is SymmetricSecurityKey ? SecurityAlgorithms.HmacSha256 : SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A new current key, published beside the old ones; returns it.</summary>
    public RsaSecurityKey Rotate()
    {
        lock (_lock)
        {
            _current = NewKey();
            _published.Add(_current);
            return _current;
        }
    }

    /// <summary>A key of the right kind that this issuer never published: what a forger signs with.</summary>
    public static RsaSecurityKey ForeignKey() => NewKey();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The key new tokens are signed with.</summary>
    public RsaSecurityKey CurrentKey()
    {
        lock (_lock)
        {
            return _current;
        }
    }

    private object[] PublishedKeys()
    {
        lock (_lock)
        {
            KeyFetches++;
            return _published.Select(key => JsonWebKeyConverter.ConvertFromRSASecurityKey(key)).Select(jwk => (object)new
            {
                kty = jwk.Kty,
                use = "sig",
                alg = SecurityAlgorithms.RsaSha256,
                kid = jwk.Kid,
                n = jwk.N,
                e = jwk.E,
            }).ToArray();
        }
    }

    private static RsaSecurityKey NewKey() => new(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };
}
