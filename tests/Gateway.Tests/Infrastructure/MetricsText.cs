using System.Globalization;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>Reads one series of a <c>/metrics</c> answer (Prometheus text format).</summary>
internal static class MetricsText
{
    /// <summary>The value of <paramref name="series"/> (name and labels as exported), or null when it is not exported.</summary>
    public static double? ValueOf(string metrics, string series)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
