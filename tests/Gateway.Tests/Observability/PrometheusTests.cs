using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Observability;

/// <summary>The alert rules against promtool, and the metrics against a real Prometheus scraping a real gateway.</summary>
public sealed class PrometheusTests : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task Alert_rules_pass_promtool_check_and_their_unit_tests()
    {
        var check = await Tool.RunAsync("promtool", "check", "rules", Repository.File("config", "prometheus", "ndxp-gateway-rules.yml"));
        var test = await Tool.RunAsync("promtool", "test", "rules", Repository.File("config", "prometheus", "tests", "ndxp-gateway-alerts.test.yml"));

        Assert.True(check.ExitCode == 0, check.Output);
        Assert.True(test.ExitCode == 0, test.Output);
        // Every alert is unit-tested and has its runbook section.
        var alerts = System.Text.RegularExpressions.Regex.Matches(await File.ReadAllTextAsync(Repository.File("config", "prometheus", "ndxp-gateway-rules.yml")), @"- alert: (\w+)")
            .Select(m => m.Groups[1].Value).ToList();
        Assert.Contains($"SUCCESS: {alerts.Count} rules found", check.Output, StringComparison.Ordinal);
        var tests = await File.ReadAllTextAsync(Repository.File("config", "prometheus", "tests", "ndxp-gateway-alerts.test.yml"));
        var runbook = await File.ReadAllTextAsync(Repository.File("docs", "runbook.md"));
        Assert.All(alerts, alert =>
        {
            Assert.Contains($"alertname: {alert}", tests, StringComparison.Ordinal);
            Assert.Contains($"## {alert}", runbook, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Prometheus_scrapes_the_request_counter_and_latency_histogram_with_their_labels()
    {
        var gateway = await _workspace.StartGatewayAsync();
        var client = gateway.Data;
        var token = await client.TokenAsync("vcb-ekyc");
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "ekyc");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The project's scrape configuration, pointed at this gateway and scraping every second.
        var config = (await File.ReadAllTextAsync(Repository.File("config", "prometheus", "prometheus.yml")))
            .Replace("localhost:8081", $"127.0.0.1:{gateway.AdminPort}", StringComparison.Ordinal)
            .Replace("scrape_interval: 15s", "scrape_interval: 1s", StringComparison.Ordinal)
            .Replace("ndxp-gateway-rules.yml", Repository.File("config", "prometheus", "ndxp-gateway-rules.yml"), StringComparison.Ordinal);
        var configFile = Path.Combine(_workspace.Directory, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, config);
        var prometheusPort = FreePort.Next();
        using var prometheus = Process.Start(new ProcessStartInfo("prometheus",
        [
            $"--config.file={configFile}",
            $"--storage.tsdb.path={Path.Combine(_workspace.Directory, "tsdb")}",
            $"--web.listen-address=127.0.0.1:{prometheusPort}",
        ]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}") };
            // Metrics are process-wide and other tests run alongside: select this test's series by its labels.
            var requests = await QueryUntilFoundAsync(api, "ndxp_gateway_requests_total{service=\"population\",agency=\"VCB\",method=\"GET\",outcome=\"ok\"}");
            var metric = requests.GetProperty("metric");
            Assert.Equal("2xx", metric.GetProperty("status_class").GetString());
            Assert.Equal("ndxp-gateway", metric.GetProperty("job").GetString());
            Assert.True(double.Parse(requests.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= 10);

            var bucket = await QueryUntilFoundAsync(api, "ndxp_gateway_request_duration_seconds_bucket{service=\"population\",le=~\"10(\\\\.0)?\"}");
            Assert.True(double.Parse(bucket.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= 10);
        }
        finally
        {
            prometheus.Kill();
            await prometheus.WaitForExitAsync();
        }
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    private static async Task<JsonElement> QueryUntilFoundAsync(HttpClient api, string query)
    {
        var found = await Poll.UntilAsync(async () =>
        {
            try
            {
                using var json = JsonDocument.Parse(await api.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(query)));
                var result = json.RootElement.GetProperty("data").GetProperty("result");
                return result.GetArrayLength() > 0 ? result[0].Clone() : (JsonElement?)null;
            }
            catch (HttpRequestException)
            {
                // Prometheus is still starting.
                return null;
            }
        }, result => result is not null);
        return found ?? throw new InvalidOperationException("Prometheus never returned " + query);
    }
}
