using System.Net;
using System.Net.Http.Headers;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Forwarding;

/// <summary>
/// A service's destination moved, or its route removed, while calls to it are in flight at a slow provider: those
/// calls finish from the destination that took them, calls after the change follow it, and none fails.
/// </summary>
public sealed class HotReloadTests : IAsyncLifetime
{
    private const int InFlight = 4;
    private GatewayWorkspace _workspace = null!;
    private TestGateway _gateway = null!;
    private TestUpstream _old = null!;
    private TestUpstream _new = null!;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _old = await _workspace.StartUpstreamAsync("old");
        _new = await _workspace.StartUpstreamAsync("new");
        _gateway = await _workspace.StartGatewayAsync();
        _gateway.Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await _gateway.Data.TokenAsync("ops-console"));
        await _gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/services", Service(_old));
        await _gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/grants", """{"id":"vcb-held","consumerAgency":"VCB","service":"held"}""");
        _token = await _gateway.Data.TokenAsync("vcb-ekyc");
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task Calls_in_flight_finish_from_the_old_destination_and_later_calls_reach_the_new_one()
    {
        var before = await HoldCallsAsync(_old);

        await _gateway.Admin.ChangeAsync(HttpMethod.Put, "/admin/v1/services/held", Service(_new), "*");
        var after = await HoldCallsAsync(_new);
        _old.ReleaseHeld();
        _new.ReleaseHeld();

        await AssertServedAsync(before, "old");
        await AssertServedAsync(after, "new");
        Assert.Equal(InFlight, _old.ReceivedUnder("/hold/"));
        Assert.Equal(InFlight, _new.ReceivedUnder("/hold/"));
    }

    [Fact]
    public async Task Calls_in_flight_finish_when_their_route_is_removed_and_later_calls_find_no_route()
    {
        var before = await HoldCallsAsync(_old);

        await _gateway.Admin.ChangeAsync(HttpMethod.Delete, "/admin/v1/grants/vcb-held", ifMatch: "*");
        await _gateway.Admin.ChangeAsync(HttpMethod.Delete, "/admin/v1/services/held", ifMatch: "*");
        using (var later = await _gateway.Data.CallAsync(HttpMethod.Get, "/hold/later", _token))
        {
            await ProblemAssert.IsProblemAsync(later, HttpStatusCode.NotFound, "route-not-found");
        }

        _old.ReleaseHeld();
        await AssertServedAsync(before, "old");
        Assert.Equal(InFlight, _old.ReceivedUnder("/hold/"));
    }

    private static string Service(TestUpstream destination) =>
        $$"""{"id":"held","provider":"BCA","pathPrefix":"/hold","destinations":["{{destination.Url}}"],"timeoutMs":60000}""";

    // Starts calls that the destination holds, and returns once it holds all of them: they are in flight.
    private async Task<Task<HttpResponseMessage>[]> HoldCallsAsync(TestUpstream destination)
    {
        var held = destination.Held;
        var calls = Enumerable.Range(0, InFlight).Select(i => _gateway.Data.CallAsync(HttpMethod.Get, $"/hold/{destination.Name}-{i}", _token)).ToArray();
        await Poll.UntilAsync(() => destination.Held == held + InFlight, $"{InFlight} calls held at {destination.Name}");
        return calls;
    }

    private static async Task AssertServedAsync(Task<HttpResponseMessage>[] calls, string destination)
    {
        foreach (var response in await Task.WhenAll(calls))
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(destination, response.Headers.GetValues(TestUpstream.NameHeader).Single());
                Assert.Equal(destination, await response.Content.ReadAsStringAsync());
            }
        }
    }
}
