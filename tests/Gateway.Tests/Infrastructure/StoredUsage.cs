using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>"N answered = N stored": what a usage store holds of an agency's calls since a moment.</summary>
internal static class StoredUsage
{
    /// <summary>The store holds a record of every answered call, no other and none twice, and its hourly totals agree.</summary>
    public static async Task AssertExactlyAsync(IUsageStore store, string agency, DateTimeOffset since, IReadOnlyCollection<string> answered)
    {
        ArgumentNullException.ThrowIfNull(store);
        var records = await store.ReadRecordsAsync(agency, since, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        Assert.Equal(answered.Order(StringComparer.Ordinal), records.Select(r => r.TransactionId).Order(StringComparer.Ordinal));
        var hourly = await store.QueryAsync(
            new UsageFilter(HourlyUsage.HourOf(since), HourlyUsage.HourOf(DateTimeOffset.UtcNow).AddHours(1)) { Agency = agency }, CancellationToken.None);
        Assert.Equal(answered.Count, hourly.Where(h => h.Key.Outcome == Outcome.Ok).Sum(h => h.Count));
    }
}
