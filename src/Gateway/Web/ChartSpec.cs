using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ndxp.Gateway.Web;

/// <summary>
/// A chart as <c>assets/charts.js</c> reads it, written into the page as a JSON data block (not a script: the pages'
/// Content-Security-Policy runs none inline). The same figures are in a table beside it, for screen readers.
/// </summary>
public sealed record ChartSpec(string Type, IReadOnlyList<string> Labels, IReadOnlyList<ChartSeries> Datasets, bool Stacked = false, string? Y = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The JSON, safe inside a &lt;script type="application/json"&gt; element (the default encoder escapes &lt; and &gt;).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

public sealed record ChartSeries(string Label, IReadOnlyList<double> Data);
