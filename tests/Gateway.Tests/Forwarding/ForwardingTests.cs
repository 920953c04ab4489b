using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Forwarding;

[Collection(GatewayCollection.Name)]
public sealed class ForwardingTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Provider_receives_the_verified_identity_purpose_and_transaction_id()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, "/echo/citizens/001099012345", await gateway.TokenAsync("vcb-ekyc"), "ekyc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await EchoedRequest.ReadAsync(response);
        Assert.Equal("VCB", received.Header("X-Consumer-Agency"));
        Assert.Equal("vcb-ekyc", received.Header("X-Consumer-Client"));
        Assert.Equal("ekyc", received.Header("X-Purpose"));
        var transactionId = Assert.Single(response.Headers.GetValues("X-Transaction-Id"));
        Assert.Equal(transactionId, received.Header("X-Transaction-Id"));
        Assert.Equal("/echo/citizens/001099012345", received.Path);
    }

    [Fact]
    public async Task Callers_token_cookies_and_spoofed_identity_headers_do_not_reach_the_provider()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, "/echo/x", await gateway.TokenAsync("vcb-ekyc"), "ekyc", request =>
        {
            request.Headers.Add("X-Consumer-Agency", "BCA");
            request.Headers.Add("X-Consumer-Client", "bca-admin");
            request.Headers.Add("X-Consumer-Role", "superuser");
            request.Headers.Add("X-Transaction-Id", "chosen-by-caller");
            request.Headers.Add("Cookie", "session=abc");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await EchoedRequest.ReadAsync(response);
        Assert.Equal("VCB", received.Header("X-Consumer-Agency"));
        Assert.Equal("vcb-ekyc", received.Header("X-Consumer-Client"));
        Assert.Null(received.Header("X-Consumer-Role"));
        Assert.Null(received.Header("Authorization"));
        Assert.Null(received.Header("Cookie"));
        Assert.NotEqual("chosen-by-caller", received.Header("X-Transaction-Id"));
        Assert.NotEqual("chosen-by-caller", response.Headers.GetValues("X-Transaction-Id").Single());
    }

    [Fact]
    public async Task Refusals_also_carry_a_transaction_id_in_header_and_body()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, "/echo/x", token: null);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-missing");
        Assert.Equal(response.Headers.GetValues("X-Transaction-Id").Single(), problem.GetProperty("transactionId").GetString());
    }

    [Fact]
    public async Task Provider_that_is_down_gives_502_problem_quickly()
    {
        var watch = Stopwatch.StartNew();
        using var response = await gateway.CallAsync(HttpMethod.Get, "/dead/anything", await gateway.TokenAsync("vcb-ekyc"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway, "provider-error");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Provider_slower_than_the_service_timeout_gives_504_problem_at_the_timeout()
    {
        var watch = Stopwatch.StartNew();
        using var response = await gateway.CallAsync(HttpMethod.Get, "/slow/anything", await gateway.TokenAsync("vcb-ekyc"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout, "provider-timeout");
        // The service's TimeoutMs is 500: the gateway waited that long, and gave up long before the provider answered.
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(500), TestUpstream.SlowDelay / 3);
    }

    [Fact]
    public async Task Provider_whose_only_instance_fails_its_health_check_gives_503_problem()
    {
        var token = await gateway.TokenAsync("vcb-ekyc");
        // The first active probe runs when the cluster is created: wait for it rather than assume its timing.
        await Poll.UntilAsync(async () => await gateway.Data.StatusOfAsync("/sick/x", token) == HttpStatusCode.ServiceUnavailable, "sick destination marked down");

        using var response = await gateway.CallAsync(HttpMethod.Get, "/sick/x", token);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "provider-unavailable");
    }

    [Fact]
    public async Task Suspended_service_is_refused_with_503_problem_before_reaching_the_provider()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, "/retired/x", await gateway.TokenAsync("vcb-ekyc"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "service-suspended");
        Assert.Equal(0, gateway.Workspace.Upstream.ReceivedUnder("/retired"));
    }

    [Fact]
    public async Task Provider_answers_404_for_unknown_citizen_and_the_gateway_passes_it_through()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/999999999999", await gateway.TokenAsync("vcb-ekyc"), "ekyc");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // The provider's own problem, not one the gateway made up in its place.
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var type = problem.RootElement.GetProperty("type").GetString();
        Assert.Equal("urn:ndxp:demo:problem:not-found", type);
        Assert.DoesNotContain(ProblemCatalog.TypePrefix, type, StringComparison.Ordinal);
    }
}
