using System.Text.RegularExpressions;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Observability;

[Collection(GatewayCollection.Name)]
public sealed partial class MetricsCardinalityTests(GatewayFixture gateway) : IDisposable
{
    private readonly TokenForge _forge = new(gateway);

    [Fact]
    public async Task Junk_paths_agencies_and_methods_never_become_label_values()
    {
        var marker = "junk" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 100; i++)
        {
            using var path = await gateway.CallAsync(HttpMethod.Get, $"/{marker}{i}/v{i}/x", await gateway.TokenAsync("vcb-ekyc"));
            using var agency = await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345",
                _forge.Signed(clientId: $"{marker}-client{i}", agency: $"{marker}AG{i}"), "ekyc");
            using var method = await gateway.CallAsync(new HttpMethod($"{marker.ToUpperInvariant()}M{i % 5}"), "/population/v1/citizens/001099012345", token: null);
        }

        var metrics = await gateway.Admin.GetStringAsync("/metrics");

        Assert.DoesNotContain(metrics.Split('\n'), line => line.Contains(marker, StringComparison.OrdinalIgnoreCase));
        var agencies = AgencyLabel().Matches(metrics).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        // Metrics are process-wide and other tests' gateways register agencies of their own (through the admin API),
        // so the label values are checked against what a registered code can be, besides the marker check above.
        Assert.All(agencies, agency => Assert.Matches("^([A-Z0-9_-]{2,32}|unknown|none|-)$", agency));
        Assert.Contains("unknown", agencies);
        var methods = MethodLabel().Matches(metrics).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(new HashSet<string>(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"], StringComparer.Ordinal), methods);
    }

    public void Dispose() => _forge.Dispose();

    [GeneratedRegex("^ndxp_gateway_[a-z_]+\\{[^}]*agency=\"([^\"]*)\"", RegexOptions.Multiline)]
    private static partial Regex AgencyLabel();

    [GeneratedRegex("^ndxp_gateway_requests_total\\{[^}]*method=\"([^\"]*)\"", RegexOptions.Multiline)]
    private static partial Regex MethodLabel();
}
