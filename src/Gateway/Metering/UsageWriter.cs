using System.Diagnostics;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// Moves usage records from the <see cref="UsageRecorder"/> to the store in batches, every flush interval. While the
/// store fails, records wait in memory up to a bound and then in the spool file; once anything is spooled, newer
/// records follow it there, so that replay keeps their order. At shutdown it writes (or spools) everything left.
/// </summary>
internal sealed partial class UsageWriter : BackgroundService
{
    private readonly UsageRecorder _recorder;
    private readonly IUsageStore _store;
    private readonly UsageSpool _spool;
    private readonly MeteringOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<UsageWriter> _logger;
    private readonly List<UsageRecord> _pending = [];

    public UsageWriter(
        UsageRecorder recorder, IUsageStore store, UsageSpool spool, IOptions<MeteringOptions> options, TimeProvider timeProvider, ILogger<UsageWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _recorder = recorder;
        _store = store;
        _spool = spool;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Records accepted but not yet in the store.</summary>
    public long Backlog => _pending.Count + _recorder.Pending + _spool.Records;

    // On a thread of its own: a batch's inserts are synchronous work that must not hold a worker of the data calls.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => BackgroundThread.Run("ndxp metering writer", () => FlushPeriodicallyAsync(stoppingToken));

    private async Task FlushPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.FlushInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the final flush happens in StopAsync.
        }
    }

    /// <summary>
    /// Stops the periodic loop, then writes (or spools) everything recorded. It runs here rather than at the end of
    /// <see cref="ExecuteAsync"/>, which may never start when the host stops right after starting. The web server has
    /// stopped and drained its calls before hosted services stop, so this sees every completed call.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        _recorder.Complete();
        await FlushAsync(CancellationToken.None);
        if (_pending.Count > 0)
        {
            await SpoolPendingAsync();
        }

        Log.Stopped(_logger, _spool.Records);
    }

    /// <summary>One flush: take what the recorder holds, replay the spool if any, write the rest.</summary>
    internal async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (_recorder.Reader.TryRead(out var record))
        {
            _pending.Add(record);
        }

        try
        {
            if (_spool.HasRecords)
            {
                if (_pending.Count > 0)
                {
                    await SpoolPendingAsync();
                }

                var torn = await _spool.ReplayAsync(_options.MaxBatchSize, batch => WriteBatchAsync(batch, cancellationToken), cancellationToken);
                if (torn > 0)
                {
                    MeteringMetrics.TornSpoolLines.Inc(torn);
                    Log.TornSpoolLines(_logger, torn);
                }

                Log.SpoolReplayed(_logger);
            }

            while (_pending.Count > 0)
            {
                var batch = _pending.GetRange(0, Math.Min(_options.MaxBatchSize, _pending.Count));
                await WriteBatchAsync(batch, cancellationToken);
                _pending.RemoveRange(0, batch.Count);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            MeteringMetrics.FlushFailures.Inc();
            Log.FlushFailed(_logger, _pending.Count, _spool.Records, ex);
            if (_pending.Count > _options.MaxBufferedRecords)
            {
                await SpoolPendingAsync();
            }
        }
        finally
        {
            MeteringMetrics.Backlog.Set(Backlog);
            MeteringMetrics.SpoolBytes.Set(_spool.SizeBytes);
        }
    }

    private async Task WriteBatchAsync(IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.WriteTimeout);
        var stored = await _store.WriteAsync(batch, timeout.Token);
        MeteringMetrics.FlushDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (stored.Seal is { } seal)
        {
            // The copy of the chain's head that the database cannot rewrite.
            Log.Sealed(_logger, seal.Chain, seal.Sequence, seal.Hash, seal.RecordCount, seal.TrailCount);
        }
    }

    private async Task SpoolPendingAsync()
    {
        await _spool.AppendAsync(_pending, CancellationToken.None);
        MeteringMetrics.SpooledRecords.Inc(_pending.Count);
        Log.Spooled(_logger, _pending.Count, _spool.Records);
        _pending.Clear();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
            Message = "Metering store write failed; {Pending} records wait in memory and {Spooled} in the spool file, retrying")]
        public static partial void FlushFailed(ILogger logger, int pending, long spooled, Exception exception);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Spooled {Count} usage records to disk; {Total} now wait in the spool file")]
        public static partial void Spooled(ILogger logger, int count, long total);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Metering spool replayed into the store")]
        public static partial void SpoolReplayed(ILogger logger);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Skipped {Count} unreadable lines of the metering spool (torn by a crash during an append)")]
        public static partial void TornSpoolLines(ILogger logger, int count);

        [LoggerMessage(EventId = 3008, Level = LogLevel.Information,
            Message = "Sealed call batch {Chain} #{Sequence} {Hash} ({Records} records, {TrailEntries} trail entries)")]
        public static partial void Sealed(ILogger logger, string chain, long sequence, string hash, int records, int trailEntries);

        [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Metering writer stopped; {Spooled} records left in the spool file for the next start")]
        public static partial void Stopped(ILogger logger, long spooled);
    }
}
