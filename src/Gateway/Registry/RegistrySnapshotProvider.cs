using Microsoft.Extensions.Primitives;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// Holds the live snapshot. Readers take <see cref="Current"/> without locks; a change publishes a new snapshot
/// and fires the change token that YARP's route table and other followers listen to.
/// </summary>
public sealed class RegistrySnapshotProvider : IDisposable
{
    private readonly Lock _publishLock = new();
    private volatile RegistrySnapshot _current = RegistrySnapshot.Empty;
    private CancellationTokenSource _changed = new();
    private long _publishCount;

    public RegistrySnapshot Current => _current;

    /// <summary>True once a registry has been loaded from the store (readiness).</summary>
    public bool IsLoaded => !ReferenceEquals(_current, RegistrySnapshot.Empty);

    /// <summary>How many snapshots were published since start (the first load included).</summary>
    public long PublishCount => Interlocked.Read(ref _publishCount);

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    public void Publish(RegistrySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        CancellationTokenSource previous;
        lock (_publishLock)
        {
            _current = snapshot;
            _publishCount++;
            previous = _changed;
            _changed = new CancellationTokenSource();
        }

        previous.Cancel();
        previous.Dispose();
    }

    public void Dispose() => _changed.Dispose();
}
