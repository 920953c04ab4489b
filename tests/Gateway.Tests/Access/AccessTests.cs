using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Access;

[Collection(GatewayCollection.Name)]
public sealed class AccessTests(GatewayFixture gateway) : IDisposable
{
    private const string Citizen = "/population/v1/citizens/001099012345";
    private readonly TokenForge _forge = new(gateway);

    private TestUpstream Upstream => gateway.Workspace.Upstream;

    [Fact]
    public async Task Granted_call_with_granted_purpose_reaches_the_provider()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, await gateway.TokenAsync("vcb-ekyc"), "ekyc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("001099012345", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_providers_problem_reaches_the_caller_with_the_calls_transaction_id()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/999999999999", await gateway.TokenAsync("vcb-ekyc"), "ekyc");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(response.Headers.GetValues("X-Transaction-Id").Single(), problem.RootElement.GetProperty("transactionId").GetString());
    }

    [Fact]
    public async Task Agency_without_a_grant_for_the_service_is_refused()
    {
        var path = UpstreamPath.Unique("/echo");
        using var response = await gateway.CallAsync(HttpMethod.Get, path, await gateway.TokenAsync("viettel-sim"), "subscriber-verification");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "no-grant");
        Assert.Equal(0, Upstream.ReceivedUnder(path));
    }

    [Fact]
    public async Task Grant_held_by_one_client_does_not_cover_its_agencys_other_clients()
    {
        // rl-limited is held by the client rl-app of agency RL; rl-flood is RL's too.
        var (granted, ungranted) = (UpstreamPath.Unique("/limited"), UpstreamPath.Unique("/limited"));
        using var holder = await gateway.CallAsync(HttpMethod.Get, granted, await gateway.TokenAsync("rl-app"));
        using var other = await gateway.CallAsync(HttpMethod.Get, ungranted, await gateway.TokenAsync("rl-flood"));

        Assert.Equal(HttpStatusCode.OK, holder.StatusCode);
        Assert.Equal(1, Upstream.ReceivedUnder(granted));
        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.Forbidden, "no-grant");
        Assert.Equal(0, Upstream.ReceivedUnder(ungranted));
    }

    [Fact]
    public async Task Method_offered_by_the_service_but_not_granted_is_refused()
    {
        var path = UpstreamPath.Unique("/echo");
        using var response = await gateway.CallAsync(HttpMethod.Post, path, await gateway.TokenAsync("vcb-ekyc"), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "method-not-granted");
        Assert.Equal(0, Upstream.ReceivedUnder(path));
    }

    [Fact]
    public async Task Method_the_service_does_not_offer_is_405_with_allow()
    {
        var path = UpstreamPath.Unique("/echo");
        using var response = await gateway.CallAsync(HttpMethod.Delete, path, await gateway.TokenAsync("vcb-ekyc"), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        Assert.Equal(["GET", "POST"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Equal(0, Upstream.ReceivedUnder(path));
    }

    [Fact]
    public async Task Personal_data_without_a_declared_purpose_is_refused()
    {
        var path = UpstreamPath.Unique("/echo");
        using var response = await gateway.CallAsync(HttpMethod.Get, path, await gateway.TokenAsync("vcb-ekyc"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "purpose-required");
        Assert.Equal(0, Upstream.ReceivedUnder(path));
    }

    [Theory]
    [InlineData("marketing")]
    [InlineData("subscriber-verification")]
    [InlineData("EKYC")]
    public async Task Purpose_the_grant_does_not_cover_is_refused(string purpose)
    {
        var path = UpstreamPath.Unique("/echo");
        using var response = await gateway.CallAsync(HttpMethod.Get, path, await gateway.TokenAsync("vcb-ekyc"), purpose);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "purpose-not-granted");
        Assert.Equal(0, Upstream.ReceivedUnder(path));
    }

    [Fact]
    public async Task Two_purpose_headers_are_refused()
    {
        var path = UpstreamPath.Unique("/echo");
        using var response = await gateway.CallAsync(HttpMethod.Get, path, await gateway.TokenAsync("vcb-ekyc"), "ekyc",
            r => r.Headers.Add("X-Purpose", "marketing"));

        // HttpClient joins them into one line, "ekyc, marketing", which is no purpose code.
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "purpose-invalid");
        Assert.Equal(0, Upstream.ReceivedUnder(path));
    }

    [Fact]
    public async Task Suspended_agency_is_refused_even_with_a_valid_token()
    {
        var path = UpstreamPath.Unique("/echo");
        using var response = await gateway.CallAsync(HttpMethod.Get, path, _forge.Signed(clientId: "susp-app", agency: "SUSP"), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "agency-suspended");
        Assert.Equal(0, Upstream.ReceivedUnder(path));
    }

    [Fact]
    public async Task Suspended_client_is_refused_even_with_a_valid_token()
    {
        var path = UpstreamPath.Unique("/echo");
        using var response = await gateway.CallAsync(HttpMethod.Get, path, _forge.Signed(clientId: "hni-suspended", agency: "HNI"), "public-service");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "client-suspended");
        Assert.Equal(0, Upstream.ReceivedUnder(path));
    }

    [Fact]
    public async Task Unknown_route_is_404_problem()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, "/land/v1/parcels/1", await gateway.TokenAsync("vcb-ekyc"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "route-not-found");
    }

    [Fact]
    public async Task Data_routes_are_not_served_on_the_admin_port()
    {
        var path = UpstreamPath.Unique("/echo");
        using var response = await gateway.Admin.CallAsync(HttpMethod.Get, path, await gateway.TokenAsync("vcb-ekyc"), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "route-not-found");
        Assert.Equal(0, Upstream.ReceivedUnder(path));
    }

    [Fact]
    public async Task Health_endpoints_answer_on_the_admin_port_only_even_with_a_forged_host_header()
    {
        using var ready = await gateway.Admin.GetAsync("/readyz");
        using var alive = await gateway.Admin.GetAsync("/healthz");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/readyz");
        request.Headers.Host = $"localhost:{gateway.AdminPort}";
        using var onDataPort = await gateway.Data.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var readiness = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", readiness.RootElement.GetProperty("checks").GetProperty("registry").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        await ProblemAssert.IsProblemAsync(onDataPort, HttpStatusCode.NotFound, "route-not-found");
    }

    public void Dispose() => _forge.Dispose();
}
