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

    [Fact]
    public async Task A_call_without_a_traceparent_reaches_the_provider_in_the_gateways_own_trace_which_its_summary_and_problem_name()
    {
        var token = await gateway.TokenAsync("vcb-ekyc");
        using var forwarded = await gateway.CallAsync(HttpMethod.Get, "/echo/x", token, "ekyc");
        using var refused = await gateway.CallAsync(HttpMethod.Get, "/echo/x", token, purpose: null);

        var traceParent = (await EchoedRequest.ReadAsync(forwarded)).Header("traceparent");
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$", traceParent);
        var trace = traceParent!.Split('-')[1];
        var transaction = forwarded.Headers.GetValues("X-Transaction-Id").Single();
        var summary = await Poll.UntilAsync(
            async () => (await gateway.ReadLogAsync()).Split('\n').FirstOrDefault(l => l.Contains(transaction, StringComparison.Ordinal) && l.Contains("\"Id\":5001", StringComparison.Ordinal)),
            line => line is not null);
        Assert.Contains($"\"TraceId\":\"{trace}\"", summary, StringComparison.Ordinal);
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "purpose-required");
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$", problem.GetProperty("traceId").GetString());
        Assert.DoesNotContain(trace, problem.GetProperty("traceId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_per_call_series_carry_a_calls_trace_as_their_exemplar()
    {
        var token = await gateway.TokenAsync("vcb-ekyc");
        using var forwarded = await gateway.CallAsync(HttpMethod.Get, "/echo/x", token, "ekyc");
        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");
        using var scrape = await gateway.Admin.SendAsync(request);
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Matches("ndxp_gateway_requests_total\\{[^}]*\\} [0-9.]+ # \\{trace_id=\"[0-9a-f]{32}\"\\}", text);
    }

    [Fact]
    public async Task An_unauthenticated_callers_traceparent_is_not_the_trace_of_its_problem_or_its_summary_line()
    {
        const string Chosen = "0af7651916cd43dd8448eb211c80319c";
        using var refused = await gateway.CallAsync(HttpMethod.Get, "/echo/x", "not-a-token", "ekyc",
            r => r.Headers.Add("traceparent", $"00-{Chosen}-b7ad6b7169203331-01"));

        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "token-malformed");
        Assert.DoesNotContain(Chosen, problem.GetProperty("traceId").GetString(), StringComparison.Ordinal);
        var transaction = problem.GetProperty("transactionId").GetString()!;
        var summary = await Poll.UntilAsync(
            async () => (await gateway.ReadLogAsync()).Split('\n').FirstOrDefault(l => l.Contains(transaction, StringComparison.Ordinal) && l.Contains("\"Id\":5001", StringComparison.Ordinal)),
            line => line is not null);
        Assert.DoesNotContain(Chosen, summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_authenticated_callers_tracestate_and_baggage_never_reach_the_provider_while_its_trace_does()
    {
        var token = await gateway.TokenAsync("vcb-ekyc");
        using var forwarded = await gateway.CallAsync(HttpMethod.Get, "/echo/x", token, "ekyc", r =>
        {
            r.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");
            r.Headers.Add("tracestate", "vendor=caller-chosen");
            r.Headers.Add("baggage", "agency=BCA");
            r.Headers.Add("Correlation-Context", "agency=BCA");
        });

        var received = await EchoedRequest.ReadAsync(forwarded);
        Assert.Matches($"^00-{TraceId}-", received.Header("traceparent"));
        Assert.Null(received.Header("tracestate"));
        Assert.Null(received.Header("baggage"));
        Assert.Null(received.Header("Correlation-Context"));
    }
}
