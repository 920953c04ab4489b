using System.Text.Json;
using Ndxp.Gateway.Load;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Load;

/// <summary>
/// A 3-second open-model run against a real gateway of its own (demo registry, demo providers): every scenario gets
/// its expected statuses, the reports are written, and the gateway's metering counts what the tool saw answered.
/// </summary>
public sealed class LoadRunMeteringTests(DemoGatewayFixture fixture) : IClassFixture<DemoGatewayFixture>, IDisposable
{
    // Every scenario, over-limit's share high enough at 200 calls/s to pass its grant's 20 calls/s.
    private const string EveryScenario =
        "subscriber-verification=20,bank-ekyc=10,bank-credit=5,province-citizen=10,province-insurance=5,civil-status=10,denied=10,wrong-purpose=10,over-limit=20";

    private readonly string _reports = Directory.CreateTempSubdirectory("ndxp-load-test-").FullName;

    [Fact]
    public async Task Open_model_run_gets_every_scenarios_expected_statuses_and_reports_what_the_gateway_metered()
    {
        var from = DateTimeOffset.UtcNow.AddHours(-1);
        var before = await MeteredAsync(from);
        var (exit, _, error) = await LoadTool.RunAsync(
            "--target", fixture.Target, "--rate", "200", "--duration", "3s", "--mix", EveryScenario, "--report", _reports,
            "--max-error-ratio", "0", "--max-p99", "5s");

        Assert.True(exit == LoadCommand.Passed, error);
        Assert.Contains("p99", error, StringComparison.Ordinal);
        Assert.StartsWith("# Load run", await File.ReadAllTextAsync(Path.Combine(_reports, "report.md")), StringComparison.Ordinal);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_reports, "report.json")));
        var root = report.RootElement;
        var totals = root.GetProperty("totals");
        var answered = totals.GetProperty("answered").GetInt64();
        Assert.InRange(answered, 500, 601);
        Assert.Equal(totals.GetProperty("scheduled").GetInt64(), answered);
        Assert.Equal(0, totals.GetProperty("errors").GetInt64());
        Assert.Equal(answered, root.GetProperty("latencyMs").GetProperty("count").GetInt64());
        Assert.Equal(answered, root.GetProperty("serviceTimeMs").GetProperty("count").GetInt64());

        var scenarios = root.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.Equal(ScenarioCatalog.All.Select(s => s.Name).Order(), scenarios.Select(s => s.GetProperty("name").GetString()).Order());
        foreach (var scenario in scenarios)
        {
            var name = scenario.GetProperty("name").GetString();
            var expected = scenario.GetProperty("expected").EnumerateArray().Select(e => e.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)).Order();
            var seen = scenario.GetProperty("statuses").EnumerateObject().Select(s => s.Name).Order();
            Assert.True(expected.SequenceEqual(seen), $"{name}: expected {string.Join(",", expected)}, saw {string.Join(",", seen)}");
            Assert.True(scenario.GetProperty("latencyMs").GetProperty("p99").GetDouble() > 0, name);
        }

        var usage = MeteredUsage.FromLoadReport(root);
        Assert.Equal(answered, usage.Values.Sum());
        foreach (var row in root.GetProperty("usage").EnumerateArray())
        {
            Assert.Equal(row.GetProperty("answered").GetInt64(), row.GetProperty("statuses").EnumerateObject().Sum(s => s.Value.GetInt64()));
        }

        Assert.All(root.GetProperty("tokens").EnumerateArray(), t => Assert.Equal(1, t.GetProperty("fetches").GetInt32()));

        // What the gateway metered during the run, per agency and service, is what the tool saw answered (as soak.sh compares).
        async Task<Dictionary<(string, string), long>> MeteredDuringRunAsync() => MeteredUsage.Since(await MeteredAsync(from), before);
        var metered = await Poll.UntilAsync(MeteredDuringRunAsync, m => m.Count == usage.Count && m.All(kv => usage.GetValueOrDefault(kv.Key) == kv.Value));
        Assert.Equal(usage.OrderBy(kv => kv.Key), metered.OrderBy(kv => kv.Key));
    }

    public void Dispose() => Directory.Delete(_reports, recursive: true);

    private async Task<Dictionary<(string Agency, string Service), long>> MeteredAsync(DateTimeOffset from) =>
        await MeteredUsage.FromGatewayAsync(fixture.Gateway.Admin, await fixture.Gateway.Data.TokenAsync("ops-console", DemoGatewayFixture.OperatorSecret), from);
}
