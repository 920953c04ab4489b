using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>
/// Used assertion ids in this replica's memory, each until its assertion expires on the gateway's clock. Bounded:
/// only assertions whose signature verified get here, each stays at most the longest assertion lifetime, and past
/// <see cref="ClientAuthenticationOptions.MaxRememberedAssertions"/> live entries new ones are refused rather than
/// accepted unremembered.
/// </summary>
internal sealed class LocalUsedAssertions(TimeProvider time, IOptions<ClientAuthenticationOptions> options) : IUsedAssertions
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private readonly int _capacity = options.Value.MaxRememberedAssertions;
    private readonly Lock _sweeping = new();

    // ConcurrentDictionary.Count takes every lock of the dictionary: the size is kept here, at each add and remove.
    private int _count;

    public ValueTask<AssertionUse> UseAsync(string clientId, string jti, DateTimeOffset until)
    {
        var now = time.GetUtcNow();
        var key = UsedAssertions.Key(clientId, jti);
        if (Volatile.Read(ref _count) >= _capacity && !_used.ContainsKey(key))
        {
            Sweep(now);
            if (Volatile.Read(ref _count) >= _capacity)
            {
                return ValueTask.FromResult(AssertionUse.NotRemembered);
            }
        }

        while (true)
        {
            if (_used.TryAdd(key, until))
            {
                Interlocked.Increment(ref _count);
                return ValueTask.FromResult(AssertionUse.First);
            }

            if (_used.TryGetValue(key, out var remembered))
            {
                if (remembered > now)
                {
                    return ValueTask.FromResult(AssertionUse.Replayed);
                }

                // An expired entry not swept yet: taken over only if no other call took it first.
                if (_used.TryUpdate(key, until, remembered))
                {
                    return ValueTask.FromResult(AssertionUse.First);
                }
            }
        }
    }

    // One sweep at a time; the others wait for it rather than sweep the same entries again.
    private void Sweep(DateTimeOffset now)
    {
        lock (_sweeping)
        {
            if (Volatile.Read(ref _count) < _capacity)
            {
                return;
            }

            foreach (var (key, until) in _used)
            {
                if (until <= now && _used.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, until)))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
    }
}

internal static class UsedAssertions
{
    // A client id never holds ':' (RegistryValidator), so no two (client, jti) pairs share a key.
    public static string Key(string clientId, string jti) => clientId + ":" + jti;
}
