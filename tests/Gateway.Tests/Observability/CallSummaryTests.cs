using System.Net;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Observability;

public sealed class CallSummaryTests : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task Sampling_drops_successful_summaries_only_and_summaries_carry_the_call_facts()
    {
        var logFile = Path.Combine(_workspace.Directory, "sampled.log");
        var gateway = await _workspace.StartGatewayAsync(["--Observability:SuccessSampleRate=0", .. TestGateway.LogToFile(logFile)]);
        var client = gateway.Data;
        var token = await client.TokenAsync("vcb-ekyc");
        using var ok = await client.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "ekyc",
            r => r.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        using var refused = await client.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await gateway.StopAsync();

        var lines = (await File.ReadAllLinesAsync(logFile)).Where(l => l.Contains("\"EventId\":{\"Id\":5001", StringComparison.Ordinal)).ToList();
        var summary = Assert.Single(lines);
        Assert.Contains(refused.Headers.GetValues("X-Transaction-Id").Single(), summary, StringComparison.Ordinal);
        foreach (var field in new[] { "\"Service\":\"population\"", "\"Agency\":\"VCB\"", "\"Client\":\"vcb-ekyc\"", "\"Status\":403", "\"Outcome\":\"forbidden\"", "\"Problem\":\"purpose-required\"", "\"ElapsedMs\":", "\"UpstreamMs\":", "\"ResponseBytes\":", "\"TraceId\":" })
        {
            Assert.Contains(field, summary, StringComparison.Ordinal);
        }
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();
}
