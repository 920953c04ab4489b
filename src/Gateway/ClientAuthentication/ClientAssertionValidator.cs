using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>The outcome of checking a client assertion: null reason when it is valid, else a fixed metric label.</summary>
internal readonly record struct AssertionCheck(string? FailureReason, string Description)
{
    public bool Valid => FailureReason is null;
}

/// <summary>
/// private_key_jwt (RFC 7523 section 3, OpenID Connect Core 1.0 section 9): the client authenticates with a short-lived
/// JWT it signed with one of its registered keys, whose <c>iss</c> and <c>sub</c> are its client id and whose
/// <c>aud</c> is this token endpoint (or the issuer, RFC 7523bis). The cheap checks come first and the signature
/// after them; a <c>jti</c> is remembered only once the signature verified, so forged assertions cannot use up a
/// client's ids. Lifetimes are checked on the gateway's <see cref="TimeProvider"/>, not by Microsoft.IdentityModel
/// (which reads the system clock). Descriptions are fixed texts: nothing the caller sent is echoed.
/// </summary>
internal sealed class ClientAssertionValidator
{
    /// <summary>The assertion's jti could not be remembered, so a replay could not be told: not the client's fault.</summary>
    public const string ReplayCheckUnavailable = "replay_check_unavailable";

    private const int MaxClaimedIdLength = 256;
    private const int MaxJtiLength = 256;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    // Parsed once per registered key: the registry snapshot holds each ClientKey until a change replaces it.
    private readonly ConditionalWeakTable<ClientKey, SecurityKey> _keys = new();
    private readonly IUsedAssertions _used;
    private readonly TimeProvider _time;
    private readonly int _maxBytes;
    private readonly TimeSpan _skew;
    private readonly TimeSpan _maxLifetime;
    private readonly string[] _audiences;
    private readonly AssertionCheck _wrongAudience;
    private readonly AssertionCheck _lifetimeTooLong;

    public ClientAssertionValidator(
        IUsedAssertions used,
        TimeProvider time,
        IOptions<IdentityOptions> identity,
        IOptions<GatewayHostOptions> host,
        IOptions<ClientAuthenticationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        _used = used;
        _time = time;
        _maxBytes = identity.Value.MaxTokenBytes;
        _skew = identity.Value.ClockSkew;
        _maxLifetime = options.Value.MaxAssertionLifetime;
        var issuer = identity.Value.ResolveIssuer(host.Value);
        _audiences = [issuer + TokenEndpoint.Path, issuer];
        _wrongAudience = new("wrong_audience", $"The client assertion's aud must be this token endpoint, {_audiences[0]}, or the issuer, {issuer}, and nothing else.");
        _lifetimeTooLong = new("assertion_lifetime_too_long", $"A client assertion may live at most {(int)_maxLifetime.TotalSeconds} seconds: its exp must be that close to now and to its iat.");
    }

    /// <summary>
    /// Reads an assertion without verifying anything (a <see cref="JsonWebToken"/> checks no signature when built), so
    /// that the client it claims is known and its lock-out applies before any signature check. Null for anything
    /// malformed, encrypted or too large; never throws.
    /// </summary>
    public JsonWebToken? Read(string assertion)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        if (assertion.Length > _maxBytes)
        {
            return null;
        }

        try
        {
            var jwt = new JsonWebToken(assertion);
            // The dates read here: one out of range is a malformed assertion, not an exception later.
            _ = (jwt.ValidTo, jwt.ValidFrom, jwt.IssuedAt);
            return jwt.IsEncrypted ? null : jwt;
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException or FormatException or OverflowException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The client id a read assertion claims: its unverified <c>sub</c>, else <c>iss</c>; null when too long to be one.</summary>
    public static string? ClaimedClientId(JsonWebToken assertion)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var claimed = assertion.Subject is { Length: > 0 } sub ? sub : assertion.Issuer;
        return claimed is { Length: > 0 and <= MaxClaimedIdLength } ? claimed : null;
    }

    /// <summary>
    /// Checks that the assertion (as <see cref="Read"/> gave it; null when it could not be read) authenticates
    /// <paramref name="client"/>, and uses up its <c>jti</c> if it does.
    /// </summary>
    public async ValueTask<AssertionCheck> ValidateAsync(JsonWebToken? assertion, Client client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (assertion is not { } jwt)
        {
            return Malformed;
        }

        if (!ClientKeys.Algorithms.Contains(jwt.Alg))
        {
            return AlgorithmNotAllowed;
        }

        if (!jwt.TryGetPayloadValue<string>("iss", out var iss) || !jwt.TryGetPayloadValue<string>("sub", out var sub)
            || !jwt.TryGetPayloadValue<string>("jti", out var jti) || string.IsNullOrEmpty(iss) || string.IsNullOrEmpty(sub)
            || string.IsNullOrEmpty(jti) || jwt.ValidTo == DateTime.MinValue)
        {
            return MissingClaims;
        }

        if (jti.Length > MaxJtiLength)
        {
            return Malformed;
        }

        if (!string.Equals(iss, sub, StringComparison.Ordinal))
        {
            return WrongIssuer;
        }

        if (!string.Equals(sub, client.Id, StringComparison.Ordinal))
        {
            return ClientIdMismatch;
        }

        var now = _time.GetUtcNow();
        var expires = Utc(jwt.ValidTo);
        if (LifetimeProblem(jwt, now, expires) is { } lifetime)
        {
            return lifetime;
        }

        // JsonWebToken.Kid reads "" when the header has none; an empty kid that is there names no key.
        var kid = jwt.TryGetHeaderValue<string>("kid", out var named) ? named : null;
        if (Candidates(jwt, kid, client, now, out var problem) is not { } keys)
        {
            return problem;
        }

        var result = await _handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = client.Id,
            ValidAudiences = _audiences,
            IssuerSigningKeys = keys,
            ValidAlgorithms = ClientKeys.Algorithms,
            RequireSignedTokens = true,
            // The kid picked the one key already; without a kid each fitting key is tried (at most five).
            TryAllIssuerSigningKeys = kid is null,
            // On the gateway's clock, above.
            ValidateLifetime = false,
        });
        if (!result.IsValid)
        {
            return result.Exception switch
            {
                SecurityTokenInvalidAudienceException => _wrongAudience,
                SecurityTokenInvalidIssuerException => WrongIssuer,
                SecurityTokenInvalidAlgorithmException => AlgorithmNotAllowed,
                SecurityTokenSignatureKeyNotFoundException when kid is not null => UnknownKey,
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => BadSignature,
                _ => Malformed,
            };
        }

        // RFC 7523bis: an assertion for several audiences could be replayed by any of them; only this gateway's is taken.
        if (jwt.Audiences.Any(a => !_audiences.Contains(a.TrimEnd('/'), StringComparer.Ordinal)))
        {
            return _wrongAudience;
        }

        return await _used.UseAsync(client.Id, jti, expires + _skew) switch
        {
            AssertionUse.First => new(null, ""),
            AssertionUse.Replayed => Replayed,
            _ => NotRemembered,
        };
    }

    private AssertionCheck? LifetimeProblem(JsonWebToken jwt, DateTimeOffset now, DateTimeOffset expires)
    {
        if (expires + _skew <= now)
        {
            return Expired;
        }

        var issued = jwt.IssuedAt == DateTime.MinValue ? (DateTimeOffset?)null : Utc(jwt.IssuedAt);
        if ((jwt.ValidFrom != DateTime.MinValue && Utc(jwt.ValidFrom) - _skew > now) || issued - _skew > now)
        {
            return NotYetValid;
        }

        // The client's clock may run up to the skew ahead of ours; exp - iat is all on its clock.
        return expires - now > _maxLifetime + _skew || expires - issued > _maxLifetime ? _lifetimeTooLong : null;
    }

    /// <summary>The keys that may have signed: the one the kid names, or every key fitting the algorithm; null with why none.</summary>
    private List<SecurityKey>? Candidates(JsonWebToken jwt, string? kid, Client client, DateTimeOffset now, out AssertionCheck problem)
    {
        problem = default;
        if (client.PublicKeys.Count == 0)
        {
            problem = NoKeysRegistered;
            return null;
        }

        var keys = new List<SecurityKey>(1);
        var expired = false;
        foreach (var key in client.PublicKeys)
        {
            if (kid is not null && !string.Equals(key.Kid, kid, StringComparison.Ordinal))
            {
                continue;
            }

            if (key.ValidUntil <= now)
            {
                expired = true;
            }
            else if (ClientKeys.Fits(key, jwt.Alg))
            {
                keys.Add(_keys.GetValue(key, static k => ClientKeys.ToSecurityKey(k)));
            }
            else if (kid is not null)
            {
                problem = AlgorithmNotAllowed;
                return null;
            }
        }

        if (keys.Count == 0)
        {
            problem = expired ? KeyExpired : kid is null ? BadSignature : UnknownKey;
            return null;
        }

        return keys;
    }

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    private static readonly AssertionCheck Malformed = new("malformed_assertion", "The client assertion is not a signed JWT the gateway can read (with a jti of at most 256 characters).");
    private static readonly AssertionCheck AlgorithmNotAllowed = new("algorithm_not_allowed", $"The client assertion must be signed with one of {string.Join(", ", ClientKeys.Algorithms)}, fitting the key.");
    private static readonly AssertionCheck MissingClaims = new("missing_claims", "The client assertion needs iss, sub, aud, exp and jti.");
    private static readonly AssertionCheck WrongIssuer = new("wrong_issuer", "The client assertion's iss and sub must both be the client id.");
    private static readonly AssertionCheck ClientIdMismatch = new("client_id_mismatch", "The client assertion's iss and sub are not the client_id of the request.");
    private static readonly AssertionCheck Expired = new("assertion_expired", "The client assertion has expired.");
    private static readonly AssertionCheck NotYetValid = new("assertion_not_yet_valid", "The client assertion is not valid yet: its nbf or iat is in the future.");
    private static readonly AssertionCheck NoKeysRegistered = new("no_keys_registered", "This client has no public key registered for private_key_jwt.");
    private static readonly AssertionCheck UnknownKey = new("unknown_key", "The client assertion's kid names no registered key of this client.");
    private static readonly AssertionCheck KeyExpired = new("key_expired", "The client assertion's key is no longer valid: its rotation overlap has ended.");
    private static readonly AssertionCheck BadSignature = new("bad_signature", "The client assertion's signature does not verify with this client's registered keys.");
    private static readonly AssertionCheck Replayed = new("assertion_replayed", "This client assertion was used already: sign a new one, with a new jti, for each token request.");
    private static readonly AssertionCheck NotRemembered = new(ReplayCheckUnavailable, "The gateway cannot take more client assertions right now; retry in a minute.");
}
