using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Identity;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>What checking a presented secret against a stored hash found.</summary>
internal enum SecretCheck
{
    Matches,
    DoesNotMatch,

    /// <summary>The slow verifications are all taken and their queue is full: not checked, the caller retries later.</summary>
    Busy,
}

/// <summary>
/// Checks client secrets at a cost that fits them. A generated secret's fast hash costs microseconds, so a wrong
/// secret or an unknown client id costs no more than a malformed token. A person's secret needs PBKDF2 (a third of a
/// second of one core): those derivations run on their own threads, at most
/// <see cref="ClientAuthenticationOptions.SlowVerificationsAtOnce"/> at a time with a short queue, so that they never
/// take the thread pool that serves data calls, and a caller beyond the queue is answered at once.
/// Once a slow hash has verified, the secret's SHA-256 is remembered beside it in memory: the next requests with the
/// same secret, and any with another one, are then checked fast, also after registry changes (which rebuild the
/// snapshot, not the hashes).
/// </summary>
internal sealed class ClientSecretVerifier : IDisposable
{
    private readonly ConcurrencyLimiter _slowVerifications;

    // Only a correct secret adds an entry, so callers cannot grow it: it holds the slow hashes that ever verified
    // on this replica (clients times rotations). The cap is a backstop; clearing it costs one derivation per client.
    private const int MaxRemembered = 100_000;
    private readonly ConcurrentDictionary<string, byte[]> _verifiedSlowHashes = new(StringComparer.Ordinal);

    private long _slowDerivations;

    public ClientSecretVerifier(IOptions<ClientAuthenticationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _slowVerifications = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.SlowVerificationsAtOnce,
            QueueLimit = options.Value.SlowVerificationsQueued,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }


    /// <summary>PBKDF2 derivations this gateway ran: the expensive work that lock-outs and the remembered hashes avoid.</summary>
    public long SlowDerivations => Interlocked.Read(ref _slowDerivations);

    /// <summary>Slow verifications running and queued now.</summary>
    public RateLimiterStatistics? SlowVerificationStatistics => _slowVerifications.GetStatistics();

    /// <param name="secret">What the client sent.</param>
    /// <param name="stored">The registered hash; null for an unknown client, which never matches and costs a fast hash.</param>
    /// <param name="cancellationToken">The request's: a caller gone while queued gives up its place.</param>
    public async ValueTask<SecretCheck> CheckAsync(string secret, string? stored, CancellationToken cancellationToken)
    {
        var fingerprint = ClientSecretHasher.Fingerprint(secret);
        if (stored is null)
        {
            return SecretCheck.DoesNotMatch;
        }

        if (!ClientSecretHasher.IsSlow(stored))
        {
            ClientAuthenticationMetrics.SecretChecks.WithLabels("fast").Inc();
            return ClientSecretHasher.VerifyFast(fingerprint, stored) ? SecretCheck.Matches : SecretCheck.DoesNotMatch;
        }

        if (_verifiedSlowHashes.TryGetValue(stored, out var verified))
        {
            // Only one secret derives to this hash, and it is the one remembered: anything else does not match.
            ClientAuthenticationMetrics.SecretChecks.WithLabels("remembered").Inc();
            return CryptographicOperations.FixedTimeEquals(fingerprint, verified) ? SecretCheck.Matches : SecretCheck.DoesNotMatch;
        }

        using var lease = await _slowVerifications.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            ClientAuthenticationMetrics.SlowVerificationsRefused.Inc();
            return SecretCheck.Busy;
        }

        ClientAuthenticationMetrics.SecretChecks.WithLabels("slow").Inc();
        ClientAuthenticationMetrics.SlowVerificationsRunning.Inc();
        Interlocked.Increment(ref _slowDerivations);
        try
        {
            // A thread of its own (LongRunning), at the lowest priority, ended with the derivation.
            var matches = await Task.Factory.StartNew(
                () =>
                {
                    BackgroundPriority.LowerCurrentThread();
                    return ClientSecretHasher.VerifySlow(secret, stored);
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            if (matches)
            {
                if (_verifiedSlowHashes.Count >= MaxRemembered)
                {
                    _verifiedSlowHashes.Clear();
                }

                _verifiedSlowHashes[stored] = fingerprint;
            }

            return matches ? SecretCheck.Matches : SecretCheck.DoesNotMatch;
        }
        finally
        {
            ClientAuthenticationMetrics.SlowVerificationsRunning.Dec();
        }
    }

    public void Dispose() => _slowVerifications.Dispose();
}
