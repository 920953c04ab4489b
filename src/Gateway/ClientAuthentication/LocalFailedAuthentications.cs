using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>Failed authentications counted in this replica's memory, on its clock.</summary>
internal sealed class LocalFailedAuthentications(IOptions<ClientAuthenticationOptions> options, TimeProvider time) : IFailedAuthentications
{
    private readonly ClientAuthenticationOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Count> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string ClientId, string Address), DateTimeOffset> _knownAddresses = new();
    private long _lastSweepTicks;

    // ConcurrentDictionary.Count takes every lock of the dictionary, and failures are what an attacker floods: the
    // sizes are kept here, at each add and remove.
    private int _countEntries;
    private int _knownEntries;

    public ValueTask<Lockout?> AddressLockedOutAsync(string address) =>
        ValueTask.FromResult(_counts.TryGetValue(AddressKey(address), out var count) && count.LockedFor(time.GetUtcNow()) is { } held
            ? new Lockout(LockoutScope.Address, held.RetryAfter, held.Strike)
            : null);

    public ValueTask<Lockout?> ClientLockedOutAsync(string clientId, string address)
    {
        var now = time.GetUtcNow();
        return ValueTask.FromResult(_counts.TryGetValue(ClientKey(clientId), out var count) && count.LockedFor(now) is { } held
            && !(_knownAddresses.TryGetValue((clientId, address), out var knownUntil) && now < knownUntil)
            ? new Lockout(LockoutScope.Client, held.RetryAfter, held.Strike)
            : null);
    }

    public ValueTask<Lockout?> FailedAsync(string address, string? clientId)
    {
        var now = time.GetUtcNow();
        MakeRoom(now);
        Lockout? started = null;
        if (clientId is not null && CountOf(ClientKey(clientId))?.Fail(now, _options.FailuresPerClient, _options) is { } clientLock)
        {
            started = new(LockoutScope.Client, clientLock.RetryAfter, clientLock.Strike);
        }

        if (CountOf(AddressKey(address))?.Fail(now, _options.FailuresPerAddress, _options) is { } addressLock)
        {
            started = new(LockoutScope.Address, addressLock.RetryAfter, addressLock.Strike);
        }

        return ValueTask.FromResult(started);
    }

    /// <summary>Until when the client is known at the address on this replica, if it is.</summary>
    public DateTimeOffset? KnownUntil(string clientId, string address) =>
        _knownAddresses.TryGetValue((clientId, address), out var until) ? until : null;

    public ValueTask SucceededAsync(string address, string clientId)
    {
        if (_options.KnownAddressMemory <= TimeSpan.Zero)
        {
            return ValueTask.CompletedTask;
        }

        var now = time.GetUtcNow();
        var key = (clientId, address);
        var until = now + _options.KnownAddressMemory;
        // Every token a client gets lands here: a pair already known is refreshed in place; only a new pair pays for
        // the bound. A refresh lost to another (or to a sweep of the expired pair) adds nothing.
        if (_knownAddresses.TryGetValue(key, out var known))
        {
            _knownAddresses.TryUpdate(key, until, known);
            return ValueTask.CompletedTask;
        }

        MakeRoom(now);
        if (Volatile.Read(ref _knownEntries) < _options.MaxTrackedLocally && _knownAddresses.TryAdd(key, until))
        {
            Interlocked.Increment(ref _knownEntries);
        }

        return ValueTask.CompletedTask;
    }

    private static string ClientKey(string clientId) => "client:" + clientId;

    private static string AddressKey(string address) => "address:" + address;

    // Null when the table is still full of lock-outs in force after making room: that failure goes uncounted.
    private Count? CountOf(string key)
    {
        while (true)
        {
            if (_counts.TryGetValue(key, out var count))
            {
                return count;
            }

            if (Volatile.Read(ref _countEntries) >= _options.MaxTrackedLocally)
            {
                return null;
            }

            count = new Count();
            if (_counts.TryAdd(key, count))
            {
                Interlocked.Increment(ref _countEntries);
                return count;
            }
        }
    }

    // Bounded memory whatever the callers send: past the cap, everything not locked out goes at once, and the known
    // addresses that have expired. At most one sweep a second: a table full of lock-outs in force is not swept again
    // on every request (new failures then go uncounted until room is made, see CountOf).
    private void MakeRoom(DateTimeOffset now)
    {
        if ((Volatile.Read(ref _countEntries) < _options.MaxTrackedLocally && Volatile.Read(ref _knownEntries) < _options.MaxTrackedLocally)
            || now - LastSweep < TimeSpan.FromSeconds(1))
        {
            return;
        }

        LastSweep = now;
        foreach (var (key, count) in _counts)
        {
            if (count.LockedFor(now) is null && _counts.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref _countEntries);
            }
        }

        foreach (var (key, until) in _knownAddresses)
        {
            if (until <= now && _knownAddresses.TryRemove(new KeyValuePair<(string ClientId, string Address), DateTimeOffset>(key, until)))
            {
                Interlocked.Decrement(ref _knownEntries);
            }
        }
    }

    private DateTimeOffset LastSweep
    {
        get => new(Interlocked.Read(ref _lastSweepTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _lastSweepTicks, value.UtcTicks);
    }

    private sealed class Count
    {
        private readonly Lock _lock = new();
        private int _failures;
        private DateTimeOffset _windowStart;
        private int _strikes;
        private DateTimeOffset _lastFailure;
        private DateTimeOffset _lockedUntil;

        public (TimeSpan RetryAfter, int Strike)? LockedFor(DateTimeOffset now)
        {
            lock (_lock)
            {
                return now < _lockedUntil ? (_lockedUntil - now, _strikes) : null;
            }
        }

        /// <summary>Counts a failure; returns the lock-out it starts, if it reaches the threshold.</summary>
        public (TimeSpan RetryAfter, int Strike)? Fail(DateTimeOffset now, int threshold, ClientAuthenticationOptions options)
        {
            lock (_lock)
            {
                if (now - _lastFailure >= options.LockoutMemory)
                {
                    _strikes = 0;
                }

                if (now - _windowStart >= options.FailureWindow)
                {
                    _failures = 0;
                    _windowStart = now;
                }

                _lastFailure = now;
                if (++_failures < threshold)
                {
                    return null;
                }

                _strikes++;
                _failures = 0;
                _windowStart = now;
                var duration = Lockouts.Duration(_strikes, options);
                _lockedUntil = now + duration;
                return (duration, _strikes);
            }
        }
    }
}

internal static class Lockouts
{
    /// <summary>The first lock-out, doubled for each one after it, at most the maximum.</summary>
    public static TimeSpan Duration(int strike, ClientAuthenticationOptions options)
    {
        var doubled = options.FirstLockout.TotalMilliseconds * Math.Pow(2, Math.Min(strike - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(doubled, options.MaxLockout.TotalMilliseconds));
    }
}
