using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Metering;

public sealed class UsageWriterTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-writer-test-").FullName;
    private readonly SwitchableStore _store;
    private readonly MeteringOptions _options = new() { MaxBufferedRecords = 10, MaxBatchSize = 7, FlushInterval = TimeSpan.FromMilliseconds(50) };

    public UsageWriterTests()
    {
        var sqlite = new SqliteUsageStore(Path.Combine(_directory, "usage.db"), TimeSpan.FromSeconds(5), "test-chain", TimeProvider.System);
        sqlite.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        _store = new SwitchableStore(sqlite);
    }

    private string SpoolPath => Path.Combine(_directory, "spool.jsonl");

    [Fact]
    public async Task Store_outage_fills_memory_then_the_spool_and_everything_is_replayed_once_in_order()
    {
        var recorder = new UsageRecorder();
        var writer = NewWriter(recorder);
        _store.Available = false;

        RecordMany(recorder, 0, 25);
        await writer.FlushAsync(CancellationToken.None);
        Assert.True(File.Exists(SpoolPath), "more than MaxBufferedRecords waiting must go to the spool file");
        RecordMany(recorder, 25, 5);
        await writer.FlushAsync(CancellationToken.None);
        Assert.Equal(30, writer.Backlog);
        Assert.Empty(_store.Written);

        _store.Available = true;
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 30).Select(Id), _store.Written);
        Assert.Equal(30, await _store.CountRecordsAsync(Start, Start.AddHours(1), CancellationToken.None));
        Assert.Equal(0, writer.Backlog);
        Assert.False(File.Exists(SpoolPath));
    }

    [Fact]
    public async Task Slow_store_is_treated_as_down_after_the_write_timeout()
    {
        var recorder = new UsageRecorder();
        var writer = NewWriter(recorder, writeTimeout: TimeSpan.FromMilliseconds(200));
        _store.Delay = TimeSpan.FromSeconds(30);
        RecordMany(recorder, 0, 25);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await writer.FlushAsync(CancellationToken.None);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"flush took {clock.Elapsed}");
        Assert.True(File.Exists(SpoolPath));
        _store.Delay = TimeSpan.Zero;
        await writer.FlushAsync(CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 25).Select(Id), _store.Written);
    }

    [Fact]
    public async Task Short_outage_keeps_records_in_memory_and_writes_them_when_the_store_returns()
    {
        var recorder = new UsageRecorder();
        var writer = NewWriter(recorder);
        _store.Available = false;
        RecordMany(recorder, 0, 8);

        await writer.FlushAsync(CancellationToken.None);
        Assert.False(File.Exists(SpoolPath));
        _store.Available = true;
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 8).Select(Id), _store.Written);
    }

    [Fact]
    public async Task Stop_writes_every_recorded_call()
    {
        var recorder = new UsageRecorder();
        var writer = NewWriter(recorder, flushInterval: TimeSpan.FromMinutes(1));
        await writer.StartAsync(CancellationToken.None);
        RecordMany(recorder, 0, 100);

        await writer.StopAsync(CancellationToken.None);

        Assert.Null(writer.ExecuteTask?.Exception);
        Assert.Equal(100, await _store.CountRecordsAsync(Start, Start.AddHours(1), CancellationToken.None));
    }

    [Fact]
    public async Task The_periodic_flush_writes_from_a_thread_of_its_own_not_a_worker_of_the_calls()
    {
        var recorder = new UsageRecorder();
        var writer = NewWriter(recorder);
        await writer.StartAsync(CancellationToken.None);
        RecordMany(recorder, 0, 3);

        await Poll.UntilAsync(() => Task.FromResult(_store.Written.Count == 3), "the records flushed");
        await writer.StopAsync(CancellationToken.None);

        // A batch's inserts are synchronous: on the pool they would hold one of its few workers for milliseconds.
        Assert.False(_store.FirstWriteOnPoolThread, "the periodic flush ran on a thread-pool worker");
    }

    [Fact]
    public async Task Stop_with_the_store_down_leaves_the_records_in_the_spool_for_the_next_start()
    {
        var recorder = new UsageRecorder();
        var writer = NewWriter(recorder, flushInterval: TimeSpan.FromMinutes(1));
        await writer.StartAsync(CancellationToken.None);
        _store.Available = false;
        RecordMany(recorder, 0, 12);
        await writer.StopAsync(CancellationToken.None);
        Assert.True(File.Exists(SpoolPath));

        _store.Available = true;
        var next = NewWriter(new UsageRecorder());
        Assert.Equal(12, next.Backlog);
        await next.FlushAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 12).Select(Id), _store.Written);
    }

    [Fact]
    public async Task A_line_torn_by_a_crash_is_skipped_and_the_rest_replayed()
    {
        var spool = new UsageSpool(SpoolPath);
        await spool.AppendAsync([Record(0), Record(1)], CancellationToken.None);
        await File.AppendAllTextAsync(SpoolPath, "{\"transactionId\":\"torn");

        var writer = NewWriter(new UsageRecorder());
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal([Id(0), Id(1)], _store.Written);
        Assert.False(File.Exists(SpoolPath));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private UsageWriter NewWriter(UsageRecorder recorder, TimeSpan? flushInterval = null, TimeSpan? writeTimeout = null)
    {
        var options = new MeteringOptions
        {
            WriteTimeout = writeTimeout ?? TimeSpan.FromSeconds(5),
            MaxBufferedRecords = _options.MaxBufferedRecords,
            MaxBatchSize = _options.MaxBatchSize,
            FlushInterval = flushInterval ?? _options.FlushInterval,
        };
        return new UsageWriter(recorder, _store, new UsageSpool(SpoolPath), Options.Create(options), TimeProvider.System, NullLogger<UsageWriter>.Instance);
    }

    private static void RecordMany(UsageRecorder recorder, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            Assert.True(recorder.Record(Record(i)));
        }
    }

    private static string Id(int i) => $"tx-{i:D4}";

    private static UsageRecord Record(int i) => UsageStoreContract.Record(Id(i), Start.AddSeconds(i));

    /// <summary>The real SQLite store behind a switch that makes it unreachable, remembering the order of what it took.</summary>
    private sealed class SwitchableStore(IUsageStore inner) : IUsageStore
    {
        public bool Available { get; set; } = true;

        public TimeSpan Delay { get; set; }

        public List<string> Written { get; } = [];

        public bool? FirstWriteOnPoolThread { get; private set; }

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public async Task<StoredBatch> WriteAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
        {
            FirstWriteOnPoolThread ??= Thread.CurrentThread.IsThreadPoolThread;
            if (!Available)
            {
                throw new IOException("store unreachable");
            }

            await Task.Delay(Delay, cancellationToken);

            var written = await inner.WriteAsync(records, cancellationToken);
            Written.AddRange(records.Select(r => r.TransactionId));
            return written;
        }

        public Task<IReadOnlyList<HourlyUsage>> QueryAsync(UsageFilter filter, CancellationToken cancellationToken) => inner.QueryAsync(filter, cancellationToken);

        public Task<IReadOnlyList<UsageRecord>> ReadRecordsAsync(string agency, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
            inner.ReadRecordsAsync(agency, since, until, cancellationToken);

        public Task<long> CountRecordsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
            inner.CountRecordsAsync(since, until, cancellationToken);

        public Task<PrunedItems> PruneAsync(DateTimeOffset recordsCutoff, DateTimeOffset trailCutoff, int sliceRows, CancellationToken cancellationToken) =>
            inner.PruneAsync(recordsCutoff, trailCutoff, sliceRows, cancellationToken);
    }
}
