using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Tests.Metering;

/// <summary>What every usage store must do; run against SQLite and against a real PostgreSQL.</summary>
public abstract partial class UsageStoreContract
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The stores' clock: when batches are sealed.</summary>
    protected Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock { get; } = new(Hour.AddMinutes(1));

    /// <summary>A new, empty store on the test's <see cref="Clock"/>, sealing onto <paramref name="chain"/>.</summary>
    protected abstract Task<IUsageStore> NewStoreAsync(string chain = "test-chain");

    /// <summary>A store on the same database as the last one made, with a chain of its own (another replica).</summary>
    protected abstract Task<IUsageStore> AnotherReplicaAsync(string chain);

    /// <summary>Runs SQL on the last store's database as someone with write access to it would (the tamper cases).</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    [Fact]
    public async Task Written_records_are_read_back_whole_and_aggregated_by_hour()
    {
        var store = await NewStoreAsync();
        var records = new[]
        {
            Record("t1", Hour.AddMinutes(1), latencyMs: 3, outcome: Outcome.Ok, requestBytes: 10, responseBytes: 100),
            Record("t2", Hour.AddMinutes(59), latencyMs: 40, outcome: Outcome.Ok, requestBytes: 20, responseBytes: 200),
            Record("t3", Hour.AddMinutes(61), latencyMs: 700, outcome: Outcome.Ok),
            Record("t4", Hour.AddMinutes(2), latencyMs: 1, outcome: Outcome.Forbidden, grant: null),
        };

        Assert.Equal(4, (await store.WriteAsync(records, CancellationToken.None)).Inserted);

        var read = await store.ReadRecordsAsync("VCB", Hour, Hour.AddHours(2), CancellationToken.None);
        Assert.Equal(["t1", "t4", "t2", "t3"], read.Select(r => r.TransactionId));
        Assert.Equal(records[0], read[0]);
        Assert.Equal(records[3], read[1]);

        var hourly = await store.QueryAsync(new UsageFilter(Hour, Hour.AddHours(2)), CancellationToken.None);
        var first = Assert.Single(hourly, h => h.Key.Hour == Hour && h.Key.Outcome == Outcome.Ok);
        Assert.Equal(2, first.Count);
        Assert.Equal(30, first.RequestBytes);
        Assert.Equal(300, first.ResponseBytes);
        Assert.Equal(43, first.LatencySumMs, 6);
        Assert.Equal(1, first.LatencyBuckets[0]);
        Assert.Equal(1, first.LatencyBuckets[3]);
        Assert.Equal("grant-1", first.Key.Grant);
        Assert.Null(Assert.Single(hourly, h => h.Key.Outcome == Outcome.Forbidden).Key.Grant);
        Assert.Equal(1, Assert.Single(hourly, h => h.Key.Hour == Hour.AddHours(1)).Count);
    }

    [Fact]
    public async Task Text_beyond_ASCII_and_of_any_length_is_read_back_as_written()
    {
        var store = await NewStoreAsync();
        var records = new[]
        {
            Record("t1", Hour.AddMinutes(1)) with { ServiceVersion = "v1-thử-nghiệm", Purpose = "kiểm-tra" },
            Record("t2", Hour.AddMinutes(2)) with { ServiceVersion = new string('ệ', 600), Purpose = null },
        };

        Assert.Equal(2, (await store.WriteAsync(records, CancellationToken.None)).Inserted);

        Assert.Equal(records, await store.ReadRecordsAsync("VCB", Hour, Hour.AddHours(1), CancellationToken.None));
    }

    [Fact]
    public async Task An_aggregated_refusal_is_counted_in_the_hourly_totals_and_not_stored_as_a_record()
    {
        var store = await NewStoreAsync();
        var refusals = Enumerable.Range(0, 30).Select(i => Record($"agg-{i}", Hour.AddSeconds(i), outcome: Outcome.Forbidden, grant: null) with { Aggregated = i >= 10 }).ToList();

        await store.WriteAsync(refusals, CancellationToken.None);

        var read = await store.ReadRecordsAsync("VCB", Hour, Hour.AddHours(1), CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"agg-{i}"), read.Select(r => r.TransactionId));
        var hourly = await store.QueryAsync(new UsageFilter(Hour, Hour.AddHours(1)), CancellationToken.None);
        Assert.Equal(30, Assert.Single(hourly, h => h.Key.Outcome == Outcome.Forbidden).Count);
    }

    [Fact]
    public async Task Writing_the_same_records_again_stores_and_counts_them_once()
    {
        var store = await NewStoreAsync();
        var batch = Enumerable.Range(0, 50).Select(i => Record($"dup-{i}", Hour.AddSeconds(i))).ToList();

        Assert.Equal(50, (await store.WriteAsync(batch, CancellationToken.None)).Inserted);
        Assert.Equal(0, (await store.WriteAsync(batch, CancellationToken.None)).Inserted);
        Assert.Equal(10, (await store.WriteAsync([.. batch.Take(20), .. Enumerable.Range(50, 10).Select(i => Record($"dup-{i}", Hour.AddSeconds(i)))], CancellationToken.None)).Inserted);

        Assert.Equal(60, await store.CountRecordsAsync(Hour, Hour.AddHours(1), CancellationToken.None));
        var hourly = await store.QueryAsync(new UsageFilter(Hour, Hour.AddHours(1)), CancellationToken.None);
        Assert.Equal(60, hourly.Sum(h => h.Count));
    }

    [Fact]
    public async Task Query_filters_by_agency_client_service_outcome_and_hour_range()
    {
        var store = await NewStoreAsync();
        await store.WriteAsync(
        [
            Record("a", Hour),
            Record("b", Hour) with { Agency = "VIETTEL", Client = "viettel-sim" },
            Record("c", Hour) with { Service = "enterprise" },
            Record("d", Hour, outcome: Outcome.Timeout),
            Record("e", Hour.AddHours(3)),
        ], CancellationToken.None);

        async Task<long> CountAsync(UsageFilter filter) => (await store.QueryAsync(filter, CancellationToken.None)).Sum(h => h.Count);

        var all = new UsageFilter(Hour, Hour.AddHours(1));
        Assert.Equal(4, await CountAsync(all));
        Assert.Equal(3, await CountAsync(all with { Agency = "VCB" }));
        Assert.Equal(1, await CountAsync(all with { Client = "viettel-sim" }));
        Assert.Equal(1, await CountAsync(all with { Service = "enterprise" }));
        Assert.Equal(1, await CountAsync(all with { Outcome = Outcome.Timeout }));
        Assert.Equal(5, await CountAsync(new UsageFilter(Hour, Hour.AddHours(4))));
    }

    [Fact]
    public async Task Retention_deletes_old_raw_records_and_keeps_the_aggregates()
    {
        var store = await NewStoreAsync();
        await store.WriteAsync([Record("old", Hour)], CancellationToken.None);
        Clock.Advance(TimeSpan.FromHours(5));
        await store.WriteAsync([Record("new", Hour.AddHours(5))], CancellationToken.None);

        Assert.Equal(1, (await store.PruneAsync(Hour.AddHours(1), Hour, sliceRows: 100, CancellationToken.None)).Records);

        Assert.Equal(["new"], (await store.ReadRecordsAsync("VCB", Hour, Hour.AddDays(1), CancellationToken.None)).Select(r => r.TransactionId));
        Assert.Equal(2, (await store.QueryAsync(new UsageFilter(Hour, Hour.AddDays(1)), CancellationToken.None)).Sum(h => h.Count));
    }

    [Fact]
    public async Task Initialize_twice_keeps_the_data()
    {
        var store = await NewStoreAsync();
        await store.WriteAsync([Record("kept", Hour)], CancellationToken.None);

        await store.InitializeAsync(CancellationToken.None);

        Assert.Equal(1, await store.CountRecordsAsync(Hour, Hour.AddHours(1), CancellationToken.None));
    }

    internal static UsageRecord Record(
        string id, DateTimeOffset at, double latencyMs = 12.5, Outcome outcome = Outcome.Ok, string? grant = "grant-1", long requestBytes = 0, long responseBytes = 512) => new()
    {
        TransactionId = id,
        Timestamp = at,
        Agency = "VCB",
        Client = "vcb-ekyc",
        Service = "population",
        ServiceVersion = "v1",
        Grant = grant,
        Method = "GET",
        Status = outcome == Outcome.Ok ? 200 : 403,
        Outcome = outcome,
        LatencyMs = latencyMs,
        UpstreamLatencyMs = outcome == Outcome.Ok ? latencyMs / 2 : null,
        RequestBytes = requestBytes,
        ResponseBytes = responseBytes,
        Purpose = "ekyc",
    };
}
