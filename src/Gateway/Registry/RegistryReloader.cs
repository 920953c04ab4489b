using Microsoft.Extensions.Options;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// Follows registry changes committed by any replica: checks the store's revision every
/// <see cref="RegistryOptions.ReloadInterval"/> and, when it moved, loads, validates and publishes the new snapshot.
/// A change that does not validate is refused: the running snapshot stays and the refusal is logged with every error.
/// </summary>
internal sealed partial class RegistryReloader : BackgroundService
{
    private readonly IRegistryStore _store;
    private readonly RegistrySnapshotProvider _snapshots;
    private readonly RegistryOptions _options;
    private readonly ILogger<RegistryReloader> _logger;
    private long _refusedRevision = -1;

    public RegistryReloader(IRegistryStore store, RegistrySnapshotProvider snapshots, IOptions<RegistryOptions> options, ILogger<RegistryReloader> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _snapshots = snapshots;
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ReloadInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ReloadIfChangedAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    internal async Task ReloadIfChangedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var stored = await _store.GetRevisionAsync(cancellationToken);
            if (stored == _snapshots.Current.Revision || stored == _refusedRevision)
            {
                return;
            }

            var (document, revision) = await _store.LoadAsync(cancellationToken);
            _snapshots.Publish(RegistrySnapshot.Compile(document, revision));
            Log.Reloaded(_logger, revision);
        }
        catch (RegistryValidationException ex)
        {
            _refusedRevision = await _store.GetRevisionAsync(cancellationToken);
            Log.Refused(_logger, _snapshots.Current.Revision, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.CheckFailed(_logger, ex);
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
