using System.Net;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>
/// A header name with an underscore never reaches a provider, which might read <c>X_Consumer_Agency</c> as the
/// gateway's <c>X-Consumer-Agency</c> (CGI, WSGI): refused by default, dropped when so configured.
/// </summary>
public sealed class UnderscoreHeaderTests : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task A_header_name_with_an_underscore_is_refused_with_400_and_nothing_reaches_the_provider()
    {
        var gateway = await _workspace.StartGatewayAsync();
        var token = await gateway.Data.TokenAsync("vcb-ekyc");
        var path = UpstreamPath.Unique("/echo");

        using var response = await gateway.Data.CallAsync(HttpMethod.Get, path, token, "ekyc", request =>
            request.Headers.TryAddWithoutValidation("X_Consumer_Agency", "BCA"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "header-name-invalid");
        Assert.DoesNotContain("X_Consumer_Agency", problem.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _workspace.Upstream.ReceivedUnder(path));
    }

    [Fact]
    public async Task Configured_to_drop_them_the_call_goes_through_without_the_underscored_headers()
    {
        var gateway = await _workspace.StartGatewayAsync("--Gateway:UnderscoreHeaders=Drop");
        var token = await gateway.Data.TokenAsync("vcb-ekyc");

        using var response = await gateway.Data.CallAsync(HttpMethod.Get, "/echo/x", token, "ekyc", request =>
        {
            request.Headers.TryAddWithoutValidation("X_Consumer_Agency", "BCA");
            request.Headers.TryAddWithoutValidation("X_Purpose", "anything");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await EchoedRequest.ReadAsync(response);
        Assert.Null(received.Header("X_Consumer_Agency"));
        Assert.Null(received.Header("X_Purpose"));
        Assert.Equal("VCB", received.Header("X-Consumer-Agency"));
        Assert.Equal("ekyc", received.Header("X-Purpose"));
    }
}
