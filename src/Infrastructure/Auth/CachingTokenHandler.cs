using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notes.Infrastructure.Auth;

/// <summary>
/// Verifies a bearer token's signature once, then looks it up: verifying an RS256 signature on every request costs
/// more than a whole GET. A token accepted is kept, under its own text, until it expires (its exp plus the clock skew
/// the validation allows) and at most <see cref="MaxAge"/>; a refused token is never kept, and a token that differs
/// by one character is another key, verified in full. The tokens kept hold at most <see cref="DefaultCapacity"/>
/// characters in all: beyond that a token is verified on every request until room is made. What this trades: a token
/// whose key the provider withdraws is still taken until its entry ends, <see cref="MaxAge"/> at most.
/// </summary>
internal sealed class CachingTokenHandler(int capacity = CachingTokenHandler.DefaultCapacity) : JsonWebTokenHandler, IDisposable
{
    /// <summary>Characters of token text: 10,000 tokens of 1,600 characters, 32 MB.</summary>
    public const int DefaultCapacity = 16_000_000;

    /// <summary>How long an accepted token is looked up before it is verified again, whatever its exp.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly MemoryCache _accepted = new(new MemoryCacheOptions { SizeLimit = capacity });

    /// <summary>Bearer tokens of <paramref name="options"/>' scheme are verified by a caching handler instead of the default one, which this returns.</summary>
    public static CachingTokenHandler Use(JwtBearerOptions options)
    {
        var handler = new CachingTokenHandler();
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(handler);
        return handler;
    }

    /// <summary>How many accepted tokens are kept now.</summary>
    public int Count => _accepted.Count;

    /// <summary>The identity of a token accepted before and not yet expired, a copy of its own; else null.</summary>
    public ClaimsIdentity? Accepted(ReadOnlySpan<char> token) =>
        _accepted.TryGetValue(token, out TokenValidationResult? accepted) && accepted is not null ? accepted.ClaimsIdentity.Clone() : null;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_accepted.TryGetValue(token, out TokenValidationResult? accepted) && accepted is not null)
        {
            return Copy(accepted);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid)
        {
            var now = DateTimeOffset.UtcNow;
            var until = now + MaxAge;
            if (result.SecurityToken.ValidTo != DateTime.MinValue)
            {
                var expires = new DateTimeOffset(DateTime.SpecifyKind(result.SecurityToken.ValidTo, DateTimeKind.Utc)) + validationParameters.ClockSkew;
                until = expires < until ? expires : until;
            }

            if (until > now)
            {
                _accepted.Set(token, Copy(result), new MemoryCacheEntryOptions { AbsoluteExpiration = until, Size = token.Length });
            }
        }

        return result;
    }

    public void Dispose() => _accepted.Dispose();

    /// <summary>Each request gets an identity of its own, which it may add claims to without reaching the next one.</summary>
    private static TokenValidationResult Copy(TokenValidationResult result) => new()
    {
        IsValid = true,
        ClaimsIdentity = result.ClaimsIdentity.Clone(),
        SecurityToken = result.SecurityToken,
        Issuer = result.Issuer,
        TokenType = result.TokenType,
        TokenContext = result.TokenContext,
    };
}
