using System.Globalization;
using System.Text;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>One measurement of a class: per request CPU and log bytes, and what the store and resident memory gained.</summary>
internal sealed record CostSample(double CpuMicroseconds, double LogBytes, long StoreBytes, long ResidentBytes, IReadOnlyDictionary<int, int> Statuses);

/// <summary>A class's figures over the rounds (medians per request, totals for the store and memory), as the table prints them.</summary>
internal sealed record CostRow(
    CostClass Class, int Requests, string Statuses, double CpuMicroseconds, double CpuRatio, double LogBytes, double LogRatio,
    long StoreBytesTotal, long StoreBytesLastRound, double ResidentGrowthMb)
{
    /// <summary>The row of a class from its samples and the baseline samples each was paired with, in the same order.</summary>
    public static CostRow Of(CostClass costClass, IReadOnlyList<CostSample> samples, IReadOnlyList<CostSample> pairedBaselines, long storeBytesTotal)
    {
        var statuses = samples.SelectMany(s => s.Statuses).GroupBy(s => s.Key).OrderBy(g => g.Key)
            .Select(g => $"{g.Key} x{g.Sum(s => s.Value)}");
        return new CostRow(
            costClass, costClass.Requests * samples.Count, string.Join(", ", statuses),
            Median(samples.Select(s => s.CpuMicroseconds)), Median(samples.Zip(pairedBaselines, (s, b) => s.CpuMicroseconds / b.CpuMicroseconds)),
            Median(samples.Select(s => s.LogBytes)), Median(samples.Zip(pairedBaselines, (s, b) => s.LogBytes / b.LogBytes)),
            storeBytesTotal, samples[^1].StoreBytes, samples.Sum(s => s.ResidentBytes) / 1e6);
    }

    public static string Format(IEnumerable<CostRow> rows)
    {
        var table = new StringBuilder()
            .AppendLine("| class | transport | requests | statuses seen | CPU us/request | CPU ratio | log B/request | log ratio | store B total (last round) | RSS growth MB |")
            .AppendLine("|---|---|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Class.Name} | {row.Class.Transport} | {row.Requests:N0} | {row.Statuses} | {row.CpuMicroseconds:F0} | {row.CpuRatio:F2} | {row.LogBytes:F0} | {row.LogRatio:F2} | {row.StoreBytesTotal:N0} ({row.StoreBytesLastRound:N0}) | {row.ResidentGrowthMb:F1} |");
        }

        return table.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
