using Microsoft.Extensions.Options;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// Follows registry changes committed by any replica: checks the store's revision when woken (a PostgreSQL
/// notification, or a commit on this replica) and every <see cref="RegistryOptions.ReloadInterval"/> as a safety net,
/// and, when it moved, loads, validates and publishes the new snapshot. A stored registry that does not validate is
/// refused: the running snapshot stays and the refusal is logged with every error.
/// </summary>
internal sealed partial class RegistryReloader : BackgroundService
{
    private readonly IRegistryStore _store;
    private readonly RegistrySnapshotProvider _snapshots;
    private readonly RegistryOptions _options;
    private readonly ILogger<RegistryReloader> _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    // One reload at a time: a slower, older load must never publish over a newer one.
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private long _refusedRevision = -1;

    public RegistryReloader(IRegistryStore store, RegistrySnapshotProvider snapshots, IOptions<RegistryOptions> options, ILogger<RegistryReloader> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _snapshots = snapshots;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Asks for a check now instead of at the next interval.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A check is already due.
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        _reloading.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _wake.WaitAsync(_options.ReloadInterval, stoppingToken);
                await ReloadIfChangedAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>The newest stored revision this replica refused as invalid (it keeps serving the one before); -1: none.</summary>
    internal long RefusedRevision => Interlocked.Read(ref _refusedRevision);

    internal async Task ReloadIfChangedAsync(CancellationToken cancellationToken)
    {
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            var stored = await _store.GetRevisionAsync(cancellationToken);
            if (stored <= _snapshots.Current.Revision || stored == Interlocked.Read(ref _refusedRevision))
            {
                return;
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var registry = await _store.ReadAsync(cancellationToken);
            _snapshots.Publish(RegistrySnapshot.Compile(registry.Document, registry.Revision));
            Observability.GatewayMetrics.RegistryReloadDuration.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            Log.Reloaded(_logger, registry.Revision);
        }
        catch (RegistryValidationException ex)
        {
            Interlocked.Exchange(ref _refusedRevision, await _store.GetRevisionAsync(cancellationToken));
            Log.Refused(_logger, _snapshots.Current.Revision, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.CheckFailed(_logger, ex);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Registry revision {Revision} published")]
        public static partial void Reloaded(ILogger logger, long revision);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Registry change refused, revision {Revision} stays in use")]
        public static partial void Refused(ILogger logger, long revision, Exception exception);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Checking the registry store for changes failed; the running snapshot stays")]
        public static partial void CheckFailed(ILogger logger, Exception exception);
    }
}
