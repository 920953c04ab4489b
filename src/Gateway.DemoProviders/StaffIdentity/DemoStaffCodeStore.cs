using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Ndxp.Gateway.DemoProviders.StaffIdentity;

/// <summary>
/// DEMO ONLY: the authorization codes handed out and not yet redeemed, in memory (a restart forgets them, as it forgets
/// the signing key). A code is single-use and short-lived (RFC 6749 section 4.1.2), and the store is bounded so that
/// a loop of sign-ins cannot grow it without end.
/// </summary>
internal sealed class DemoStaffCodeStore
{
    /// <summary>Long enough for a browser to carry the code to the front end and the front end to redeem it.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    public const int DefaultCapacity = 10_000;

    private readonly ConcurrentDictionary<string, DemoStaffGrant> _codes = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    public DemoStaffCodeStore(TimeProvider timeProvider, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _timeProvider = timeProvider;
        Capacity = capacity;
    }

    /// <summary>How many live codes the store holds at most.</summary>
    public int Capacity { get; }

    /// <summary>A new code for <paramref name="grant"/>, or null while the store holds as many live codes as it may.</summary>
    public string? Issue(DemoStaffGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        Prune();
        // Count then add is not atomic: concurrent sign-ins can pass the bound by a few, which still bounds the store.
        if (_codes.Count >= Capacity)
        {
            return null;
        }

        var code = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        _codes[code] = grant;
        return code;
    }

    /// <summary>
    /// Takes the code out of the store, whatever happens next: a redemption that then fails (another client, a wrong
    /// verifier) has still used it up, so a stolen code cannot be tried again with other guesses.
    /// </summary>
    /// <returns>Its grant, or null for a code that is unknown, already used or expired.</returns>
    public DemoStaffGrant? Redeem(string code) =>
        _codes.TryRemove(code, out var grant) && !IsExpired(grant) ? grant : null;

    private bool IsExpired(DemoStaffGrant grant) => _timeProvider.GetUtcNow() >= grant.AuthenticatedAt + Lifetime;

    private void Prune()
    {
        foreach (var (code, grant) in _codes)
        {
            if (IsExpired(grant))
            {
                _codes.TryRemove(code, out _);
            }
        }
    }
}

/// <summary>What a code stands for: who signed in, when, and the request it must be redeemed with.</summary>
internal sealed record DemoStaffGrant(
    DemoStaffAuthorization Request,
    DemoStaffUser User,
    DateTimeOffset AuthenticatedAt);
