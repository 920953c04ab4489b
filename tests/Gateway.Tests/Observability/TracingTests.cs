using System.Net;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Observability;

[Collection(GatewayCollection.Name)]
public sealed class TracingTests(GatewayFixture gateway)
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task Inbound_traceparent_is_continued_to_the_provider_and_in_problems()
    {
        var token = await gateway.TokenAsync("vcb-ekyc");
        using var forwarded = await gateway.CallAsync(HttpMethod.Get, "/echo/x", token, "ekyc",
            r => r.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01"));
        using var refused = await gateway.CallAsync(HttpMethod.Get, "/echo/x", token, purpose: null,
            r => r.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01"));

        var received = await EchoedRequest.ReadAsync(forwarded);
        Assert.Matches($"^00-{TraceId}-[0-9a-f]{{16}}-0[01]$", received.Header("traceparent"));
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "purpose-required");
        Assert.Contains(TraceId, problem.GetProperty("traceId").GetString(), StringComparison.Ordinal);
    }
}
