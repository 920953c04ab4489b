using System.ComponentModel.DataAnnotations;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>
/// How the token endpoint protects itself: the bound on slow secret verifications and the lock-out of callers who
/// keep failing to authenticate. Bound from <c>Identity:ClientAuthentication</c>.
/// </summary>
public sealed class ClientAuthenticationOptions
{
    public const string SectionName = "Identity:ClientAuthentication";

    /// <summary>Slow (PBKDF2) verifications running at once; each takes one core for about a third of a second.</summary>
    [Range(1, 64)]
    public int SlowVerificationsAtOnce { get; set; } = 1;

    /// <summary>Slow verifications waiting for their turn; beyond them a caller gets 503 with Retry-After at once.</summary>
    [Range(0, 1000)]
    public int SlowVerificationsQueued { get; set; } = 4;

    /// <summary>Failed authentications of one registered client id, from anywhere, that lock it out.</summary>
    [Range(1, 1_000_000)]
    public int FailuresPerClient { get; set; } = 10;

    /// <summary>
    /// Failed authentications from one source address (an IPv6 /64) that lock it out, whatever client ids it tries;
    /// higher than per client because one agency's address may front many clients.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailuresPerAddress { get; set; } = 30;

    /// <summary>The window in which failures are counted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The first lock-out; each following one doubles, up to <see cref="MaxLockout"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FirstLockout { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaxLockout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long lock-outs are remembered for the back-off: after this long without a failure it starts again from the first.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan LockoutMemory { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// An address from which a client authenticated within this time is not held by that client's lock-out (its own
    /// address lock-out still applies): failures from elsewhere cannot lock an agency out of its own systems.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan KnownAddressMemory { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Most source addresses and client ids (and, apart, known addresses) one replica tracks without Redis; when full, those not locked out are dropped.</summary>
    [Range(100, 10_000_000)]
    public int MaxTrackedLocally { get; set; } = 100_000;

    /// <summary>
    /// The longest a client assertion (private_key_jwt) may live: both its <c>exp</c> from now and, when it has one, its
    /// <c>exp</c> from its <c>iat</c>. Its <c>jti</c> is remembered that long (plus the clock skew) to refuse replays.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan MaxAssertionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most used assertion ids one replica remembers without Redis; when all are live, new assertions are refused.</summary>
    [Range(100, 10_000_000)]
    public int MaxRememberedAssertions { get; set; } = 100_000;
}
