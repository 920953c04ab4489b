using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Identity;

/// <summary>
/// Validates JWTs once and remembers the result until the token's own <c>exp</c>, so an agency that reuses its token
/// for thousands of calls pays for one signature check. Bounded in entries; only valid tokens are cached, so forged
/// tokens cannot fill it, and each forgery costs its sender a full check.
/// Whether the client and agency may still call is decided per call from the live registry, not from this cache.
/// </summary>
internal sealed partial class CachingTokenHandler : TokenHandler, IDisposable
{
    /// <summary>Header parameters that point at or carry keys: the gateway only trusts keys it was configured with.</summary>
    private static readonly string[] ForbiddenHeaders = ["jku", "x5u", "jwk", "x5c", "crit"];

    private readonly JsonWebTokenHandler _inner;
    private readonly MemoryCache _cache;
    private readonly TimeProvider _timeProvider;
    private readonly bool _enabled;
    private readonly int _maxTokenBytes;

    public CachingTokenHandler(int capacity, TimeProvider timeProvider, int maxTokenBytes = IdentityOptions.DefaultMaxTokenBytes)
    {
        _enabled = capacity > 0;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(capacity, 1) });
        _timeProvider = timeProvider;
        _maxTokenBytes = maxTokenBytes;
        _inner = new JsonWebTokenHandler { MapInboundClaims = false, MaximumTokenSizeInBytes = maxTokenBytes };
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length > _maxTokenBytes)
        {
            return Rejected(ProblemKind.TokenTooLarge, $"The token is longer than {_maxTokenBytes} characters.");
        }

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

        // Parsed once: the header checks and the validation below read the same token.
        JsonWebToken parsed;
        try
        {
            parsed = new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException)
        {
            return new TokenValidationResult { IsValid = false, Exception = new SecurityTokenMalformedException(ex.Message, ex) };
        }

        if (HeaderRefusal(parsed) is { } refusal)
        {
            return refusal;
        }

        var result = await _inner.ValidateTokenAsync(parsed, validationParameters);
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

    // Checked before the signature, on tokens not yet known valid: a header that names keys by URL (jku, x5u) or
    // carries them (jwk, x5c) is refused outright, never fetched or used, and a kid must be a plain name, never a
    // path or URL that some key store might resolve.
    private static TokenValidationResult? HeaderRefusal(JsonWebToken jwt)
    {
        foreach (var header in ForbiddenHeaders)
        {
            if (jwt.TryGetHeaderValue<object>(header, out _))
            {
                return Rejected(ProblemKind.TokenHeaderForbidden, $"Tokens with a '{header}' header are not accepted.");
            }
        }

        if (jwt.TryGetHeaderValue<object>("kid", out _) && !IsPlainKid(jwt.Kid))
        {
            return Rejected(ProblemKind.TokenHeaderForbidden, "The token's kid must be 1-128 characters of letters, digits, '.', '_' or '-'.");
        }

        return null;
    }

    /// <summary>Whether a kid is a plain name (never a path or URL): the rule for tokens and for registered client keys.</summary>
    internal static bool IsPlainKid(string? kid) =>
        !string.IsNullOrEmpty(kid) && KidPattern().IsMatch(kid) && !kid.Contains("..", StringComparison.Ordinal);

    private static TokenValidationResult Rejected(ProblemKind kind, string message) =>
        new() { IsValid = false, Exception = new TokenRejectedException(kind, message) };

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")]
    private static partial System.Text.RegularExpressions.Regex KidPattern();

    public void Dispose() => _cache.Dispose();

    private sealed record CachedValidation(SecurityToken SecurityToken, ClaimsIdentity Identity, string? TokenType, DateTimeOffset ExpiresAt);
}
