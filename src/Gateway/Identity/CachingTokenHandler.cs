using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ndxp.Gateway.Identity;

/// <summary>
/// Validates JWTs once and remembers the result until the token's own <c>exp</c>, so an agency that reuses its token
/// for thousands of calls pays for one signature check. Bounded in entries; only valid tokens are cached, so forged
/// tokens cannot fill it, and each forgery costs its sender a full check.
/// Whether the client and agency may still call is decided per call from the live registry, not from this cache.
/// </summary>
internal sealed class CachingTokenHandler : TokenHandler, IDisposable
{
    private readonly JsonWebTokenHandler _inner = new() { MapInboundClaims = false };
    private readonly MemoryCache _cache;
    private readonly TimeProvider _timeProvider;
    private readonly bool _enabled;

    public CachingTokenHandler(int capacity, TimeProvider timeProvider)
    {
        _enabled = capacity > 0;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(capacity, 1) });
        _timeProvider = timeProvider;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_enabled && _cache.TryGetValue(token, out CachedValidation? cached) && cached!.ExpiresAt > _timeProvider.GetUtcNow())
        {
            // Each call gets its own identity: later steps may add claims to it.
            return new TokenValidationResult
            {
                IsValid = true,
                SecurityToken = cached.SecurityToken,
                ClaimsIdentity = cached.Identity.Clone(),
                TokenType = cached.TokenType,
            };
        }

        var result = await _inner.ValidateTokenAsync(token, validationParameters);
        if (_enabled && result.IsValid && result.SecurityToken is JsonWebToken jwt && jwt.ValidTo != DateTime.MinValue)
        {
            var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
            _cache.Set(
                token,
                new CachedValidation(jwt, result.ClaimsIdentity.Clone(), result.TokenType, expiresAt),
                new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expiresAt });
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => _inner.ReadToken(token);

    public void Dispose() => _cache.Dispose();

    private sealed record CachedValidation(SecurityToken SecurityToken, ClaimsIdentity Identity, string? TokenType, DateTimeOffset ExpiresAt);
}
