using Xunit.Abstractions;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>
/// Issue 13: nothing a caller sends may cost more than a malformed request. A refused garbage token is the fair
/// baseline; each class of hostile request (measured by <see cref="HostileCostFixture"/>) may cost per request at
/// most twice its CPU and its log bytes, a bounded amount of store that does not grow with the requests (an identified
/// client's refusals are recorded one by one only within its refusal budget of 60 plus 1/s), and a bounded amount of
/// memory.
/// </summary>
[Collection(HostileCostCollection.Name)]
public sealed class HostileCostTests(HostileCostFixture costs, ITestOutputHelper output) : IClassFixture<HostileCostFixture>
{
    private const double MaxRatio = 2;

    // Records within the refusal budgets of the run (60 each, plus 1/s over about a minute) and their hourly aggregates
    // take tens of KiB; a record per request would take some MiB.
    private const long MaxStoreBytes = 256 * 1024;

    // One round of a class sends hundreds of requests: the 1/s refill allows a few records, a record each would be
    // a hundred KiB and more.
    private const long MaxStoreBytesPerRound = 32 * 1024;

    private const double MaxResidentGrowthMb = 50;

    [Fact]
    public void Every_class_costs_at_most_twice_the_garbage_token_baseline_and_a_bounded_store_and_memory()
    {
        output.WriteLine(costs.Table);
        var failures = new List<string>();
        foreach (var row in costs.Rows.Where(r => r.Class.Name != CostClass.Baseline))
        {
            var name = row.Class.Name;
            if (row.Class.Expected is { } expected && !row.Statuses.Split(", ").All(s => expected.Contains(int.Parse(s.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))))
            {
                failures.Add($"{name}: answered {row.Statuses}, expected only {string.Join('/', expected)}");
            }

            if (row.CpuRatio > MaxRatio)
            {
                failures.Add($"{name}: {row.CpuMicroseconds:F0} us CPU per request, {row.CpuRatio:F2}x the baseline's");
            }

            if (row.LogRatio > MaxRatio)
            {
                failures.Add($"{name}: {row.LogBytes:F0} log bytes per request, {row.LogRatio:F2}x the baseline's");
            }

            if (row.StoreBytesTotal > MaxStoreBytes || row.StoreBytesLastRound > MaxStoreBytesPerRound)
            {
                failures.Add($"{name}: the store grew {row.StoreBytesTotal:N0} B ({row.StoreBytesLastRound:N0} B in the last round)");
            }

            if (row.ResidentGrowthMb > MaxResidentGrowthMb)
            {
                failures.Add($"{name}: resident memory grew {row.ResidentGrowthMb:F1} MB");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}

/// <summary>The cost tests run alone: other tests' CPU would be counted in theirs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileCostCollection
{
    public const string Name = "hostile costs";
}
