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

    /// <summary>
    /// The value of a series a gateway exports now, 0 when it has none yet. Labels in the order the metric declares
    /// them, which is the order prometheus-net writes them. Metrics are process-wide: read before and after.
    /// </summary>
    public static async Task<double> ValueAsync(HttpClient admin, string name, params (string Name, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var series = labels.Length == 0 ? name : $"{name}{{{string.Join(',', labels.Select(l => $"{l.Name}=\"{l.Value}\""))}}}";
        return ValueOf(await admin.GetStringAsync("/metrics"), series) ?? 0;
    }
}
