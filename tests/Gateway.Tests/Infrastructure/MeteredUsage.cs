using System.Net.Http.Headers;
using System.Text.Json;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// Calls per agency and service, as the gateway metered them (the admin usage API) and as the load tool counted them
/// answered (its report's <c>usage</c>): what "N answered = N metered" compares, as perf/soak.sh does.
/// </summary>
internal static class MeteredUsage
{
    public static async Task<Dictionary<(string Agency, string Service), long>> FromGatewayAsync(HttpClient admin, string operatorToken, DateTimeOffset from)
    {
        ArgumentNullException.ThrowIfNull(admin);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/v1/usage?from={from:yyyy-MM-ddTHH:00:00Z}&groupBy=month");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorToken);
        using var response = await admin.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("rows").EnumerateArray()
            .GroupBy(r => (r.GetProperty("agency").GetString()!, r.GetProperty("service").GetString()!))
            .ToDictionary(g => g.Key, g => g.Sum(r => r.GetProperty("count").GetInt64()));
    }

    public static Dictionary<(string Agency, string Service), long> FromLoadReport(JsonElement report) =>
        report.GetProperty("usage").EnumerateArray()
            .ToDictionary(u => (u.GetProperty("agency").GetString()!, u.GetProperty("service").GetString()!), u => u.GetProperty("answered").GetInt64());

    /// <summary>What was metered between two readings, per agency and service (none where nothing was).</summary>
    public static Dictionary<(string Agency, string Service), long> Since(
        IReadOnlyDictionary<(string Agency, string Service), long> now, IReadOnlyDictionary<(string Agency, string Service), long> before) =>
        now.Select(kv => (kv.Key, Count: kv.Value - before.GetValueOrDefault(kv.Key))).Where(m => m.Count != 0).ToDictionary(m => m.Key, m => m.Count);
}
