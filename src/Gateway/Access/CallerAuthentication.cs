using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Identity;

namespace Ndxp.Gateway.Access;

/// <summary>
/// Who sent a data call, from its bearer token. A token that authenticated before and has not expired yields its
/// caller from memory: no parsing, no claims, no authentication handler, only its certificate binding checked against
/// this connection. Any other request goes through ASP.NET Core authentication (JwtBearer with the validated-token
/// cache, external authorities and their claim mapping, certificate binding), whose answer is then remembered. Bounded
/// like the validated-token cache (<see cref="IdentityOptions.ValidatedTokenCacheSize"/>; 0 turns both off); only
/// tokens that authenticated are kept, so forged ones cannot fill it. Whether the client, its agency and the token
/// itself may still call is decided per call from the live registry, not from here.
/// </summary>
internal sealed class CallerAuthentication : IDisposable
{
    private const string Bearer = "Bearer ";

    private readonly MemoryCache? _known;
    private readonly TimeProvider _clock;

    public CallerAuthentication(IOptions<IdentityOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        var capacity = options.Value.ValidatedTokenCacheSize;
        _known = capacity > 0 ? new MemoryCache(new MemoryCacheOptions { SizeLimit = capacity }) : null;
        _clock = clock;
    }

    public async ValueTask<AuthenticatedCaller> AuthenticateAsync(HttpContext context)
    {
        // The whole header is the key: one value, as JwtBearer reads it, and no token string cut out of it per call.
        var header = context.Request.Headers.Authorization is [{ } single] && single.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? single : null;
        if (header is not null && _known is not null && _known.TryGetValue(header, out KnownCaller? known)
            && known!.ExpiresAt > _clock.GetUtcNow() && CertificateBinding.IsSatisfied(known.Binding, context.Connection.ClientCertificate))
        {
            return new AuthenticatedCaller(true, known.Caller);
        }

        var result = await context.AuthenticateAsync();
        if (!result.Succeeded)
        {
            // Why it failed, if a token was presented, is on the request (TokenFailure) for the access step to report.
            return default;
        }

        context.User = result.Principal;
        var caller = Caller.From(result.Principal);
        if (caller is { } identified && header is not null && _known is not null && ExpiresAt(result.Principal) is { } expiresAt)
        {
            _known.Set(header, new KnownCaller(identified, CertificateBinding.Of(result.Principal), expiresAt),
                new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expiresAt });
        }

        return new AuthenticatedCaller(true, caller);
    }

    public void Dispose() => _known?.Dispose();

    private static DateTimeOffset? ExpiresAt(System.Security.Claims.ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirst("exp")?.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private sealed record KnownCaller(Caller Caller, CertificateBinding.Binding Binding, DateTimeOffset ExpiresAt);
}

/// <summary>The outcome of authenticating a call: whether a credential was accepted and, if so, the caller it names.</summary>
internal readonly record struct AuthenticatedCaller(bool IsAuthenticated, Caller? Caller);
