using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Trail;

namespace Ndxp.Gateway.Tests.Metering;

/// <summary>Raw records and trail entries leave on their own retentions, and what stays still verifies.</summary>
public sealed class UsageRetentionTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-retention-test-").FullName;
    private readonly FakeTimeProvider _clock = new(Start);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Records_go_after_the_raw_retention_and_trail_entries_after_the_trail_retention()
    {
        var store = new SqliteUsageStore(Path.Combine(_directory, "usage.db"), TimeSpan.FromSeconds(5), "node", _clock);
        await store.InitializeAsync(CancellationToken.None);
        await store.WriteAsync([UsageStoreContract.Record("old", Start) with { Subject = "p", SubjectKey = "k" }], CancellationToken.None);
        var retention = new UsageRetention(
            store, Options.Create(new MeteringOptions { RawRetention = TimeSpan.FromDays(90), RetentionSliceRows = 100 }),
            Options.Create(new TrailOptions { Retention = TimeSpan.FromDays(5 * 365) }), _clock, NullLogger<UsageRetention>.Instance);

        _clock.Advance(TimeSpan.FromDays(89));
        await retention.PruneAsync(CancellationToken.None);
        Assert.Equal(1, await store.CountRecordsAsync(Start, Start.AddHours(1), CancellationToken.None));

        _clock.Advance(TimeSpan.FromDays(2));
        await retention.PruneAsync(CancellationToken.None);
        Assert.Equal(0, await store.CountRecordsAsync(Start, Start.AddHours(1), CancellationToken.None));
        Assert.Single(await store.ReadTrailAsync(new TrailQuery([new("k", "p")], 10), CancellationToken.None));

        _clock.Advance(TimeSpan.FromDays(5 * 365));
        await retention.PruneAsync(CancellationToken.None);
        Assert.Empty(await store.ReadTrailAsync(new TrailQuery([new("k", "p")], 10), CancellationToken.None));
        var chain = await CallChainVerifier.VerifyAsync(store, CancellationToken.None);
        Assert.True(chain.Valid, chain.FirstProblem);
        Assert.Equal(0, chain.Chains.Single().VerifiedBatches);
    }
}
