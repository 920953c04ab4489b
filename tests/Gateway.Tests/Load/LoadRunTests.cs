using System.Text.Json;
using Ndxp.Gateway.Load;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Load;

/// <summary>The load tool's exit codes and closed model against a real gateway with the demo registry and the demo providers.</summary>
public sealed class LoadRunTests(DemoGatewayFixture fixture) : IClassFixture<DemoGatewayFixture>, IDisposable
{
    private readonly string _reports = Directory.CreateTempSubdirectory("ndxp-load-test-").FullName;

    [Fact]
    public async Task An_impossible_p99_threshold_exits_2_and_names_it()
    {
        var (exit, output, error) = await LoadTool.RunAsync(
            "--target", fixture.Target, "--rate", "50", "--duration", "1s", "--mix", "bank-ekyc=1", "--max-p99", "0.001ms", "--quiet");

        Assert.Equal(LoadCommand.ThresholdMissed, exit);
        Assert.Contains("threshold missed: max-p99: limit 0.001 ms", error, StringComparison.Ordinal);
        Assert.Contains("max-p99", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_target_nobody_listens_on_exits_3_naming_the_client()
    {
        var (exit, _, error) = await LoadTool.RunAsync("--target", $"http://127.0.0.1:{FreePort.Next()}", "--rate", "10", "--duration", "1s", "--quiet");

        Assert.Equal(LoadCommand.CouldNotStart, exit);
        Assert.Contains("error: client viettel-sim: no token from", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_exits_3_with_the_token_endpoints_answer()
    {
        var clients = Path.Combine(_reports, "clients.json");
        await File.WriteAllTextAsync(clients, """[{"id": "vcb-ekyc", "secret": "not-the-secret", "agency": "VCB", "scenarios": ["bank-ekyc"]}]""");

        var (exit, _, error) = await LoadTool.RunAsync(
            "--target", fixture.Target, "--rate", "10", "--duration", "1s", "--clients", clients, "--mix", "bank-ekyc=1", "--quiet");

        Assert.Equal(LoadCommand.CouldNotStart, exit);
        Assert.Contains("401", error, StringComparison.Ordinal);
        Assert.Contains("invalid_client", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closed_model_run_reports_the_calls_per_second_it_sustained()
    {
        var (exit, _, error) = await LoadTool.RunAsync(
            "--target", fixture.Target, "--connections", "4", "--duration", "1s", "--mix", "subscriber-verification=1",
            "--report", _reports, "--max-error-ratio", "0", "--quiet");

        Assert.True(exit == LoadCommand.Passed, error);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_reports, "report.json")));
        Assert.Equal("closed", report.RootElement.GetProperty("mode").GetString());
        var totals = report.RootElement.GetProperty("totals");
        Assert.True(totals.GetProperty("callsPerSecond").GetDouble() > 50, totals.ToString());
        Assert.Equal(totals.GetProperty("sent").GetInt64(), totals.GetProperty("answered").GetInt64());
    }

    public void Dispose() => Directory.Delete(_reports, recursive: true);
}
