using Microsoft.Extensions.Options;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// Applies retention once an hour, beside the writer rather than in its loop: raw records past
/// <see cref="MeteringOptions.RawRetention"/>, trail entries past <see cref="Trail.TrailOptions.Retention"/>, and the
/// seals of batches that hold neither any more (<see cref="IUsageStore.PruneAsync"/>, a slice per transaction). A
/// pruning that runs for minutes then delays no metering write by more than one slice.
/// </summary>
internal sealed partial class UsageRetention(
    IUsageStore store, IOptions<MeteringOptions> metering, IOptions<Trail.TrailOptions> trail, TimeProvider clock, ILogger<UsageRetention> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    // On a thread of its own, as the writer: SQLite's slices are synchronous work that must not hold a worker of the calls.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Hosting.BackgroundThread.Run("ndxp retention", () => PruneHourlyAsync(stoppingToken));

    private async Task PruneHourlyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            do
            {
                await PruneAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the next start prunes what is left.
        }
    }

    internal async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        try
        {
            var pruned = await store.PruneAsync(now - metering.Value.RawRetention, now - trail.Value.Retention, metering.Value.RetentionSliceRows, cancellationToken);
            if (pruned.Records + pruned.TrailEntries + pruned.Seals > 0)
            {
                Log.Applied(logger, pruned.Records, pruned.TrailEntries, pruned.Seals);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.Failed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3005, Level = LogLevel.Information,
            Message = "Deleted {Records} usage records, {TrailEntries} trail entries and {Seals} call batch seals past their retention")]
        public static partial void Applied(ILogger logger, long records, long trailEntries, long seals);

        [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Applying usage record retention failed; retried in an hour")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
