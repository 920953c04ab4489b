using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>
/// Kestrel takes any token as an HTTP method, thousands of characters long. The gateway records only the methods a
/// service can be registered for and <c>OTHER</c> for the rest, in the summary log and in the stored usage record.
/// (ASP.NET Core's own "Request starting" event, at Information, carries the method cut to the logged string cap:
/// Observability/BoundedRecordsTests.)
/// </summary>
public sealed class LongMethodTests : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    // In the workspace's folder, which goes with it.
    private string Log => Path.Combine(_workspace.Directory, "gateway.log");

    [Fact]
    public async Task A_7000_character_method_is_recorded_as_OTHER_in_the_log_and_the_usage_record()
    {
        var gateway = await _workspace.StartGatewayAsync(TestGateway.LogToFile(Log));
        var token = await gateway.Data.TokenAsync("vcb-ekyc");
        var method = "X" + new string('M', 7000);
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        var answer = await RawHttp.SendAsync(gateway.DataPort,
            $"{method} /echo/x HTTP/1.1\r\nHost: gateway.test\r\nAuthorization: Bearer {token}\r\nX-Purpose: ekyc\r\nConnection: close\r\n\r\n");

        Assert.NotEqual(0, answer.Status);
        var records = await gateway.StoredRecordsAsync("VCB", since, r => r.Count >= 1);
        Assert.Equal("OTHER", Assert.Single(records).Method);
        await Poll.UntilAsync(async () => (await LogFile.ReadAsync(Log)).Split('\n').Any(l => l.Contains("\"Client\":\"vcb-ekyc\"", StringComparison.Ordinal) && l.Contains("\"Method\":\"OTHER\"", StringComparison.Ordinal)), "the call's summary with OTHER");
        var summary = (await LogFile.ReadAsync(Log)).Split('\n').Single(line => line.Contains("\"Id\":5001", StringComparison.Ordinal) && line.Contains("vcb-ekyc", StringComparison.Ordinal));
        Assert.DoesNotContain(new string('M', 100), summary, StringComparison.Ordinal);
        Assert.True(summary.Length < 2048, $"summary line of {summary.Length} characters");
    }
}
