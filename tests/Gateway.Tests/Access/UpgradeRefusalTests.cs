using System.Net;
using System.Net.WebSockets;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Access;

/// <summary>
/// Protocol upgrades: refused unless the service declares the protocol, and a declared one passes every access check
/// on its handshake. In every refusal the provider receives nothing, so no tunnel can open behind the gateway.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class UpgradeRefusalTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Websocket_upgrade_to_a_service_that_declares_none_is_refused_metered_and_never_reaches_the_provider()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        // WS holds a grant for "limited": the refusal is the service's declaration, not a missing grant.
        var path = $"/limited/undeclared-{Guid.NewGuid():N}";
        using var response = await HandshakeAsync(path, await gateway.TokenAsync("ws-app"), WebSocketUpgrade);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "upgrade-not-allowed");
        Assert.True(response.Headers.ConnectionClose);
        Assert.False(response.Headers.Contains("Upgrade"));
        Assert.Equal(0, gateway.Workspace.Upstream.ReceivedUnder(path));
        var transactionId = response.Headers.GetValues("X-Transaction-Id").Single();
        var records = await gateway.Gateway.StoredRecordsAsync("WS", since, rs => rs.Any(r => r.TransactionId == transactionId));
        var record = Assert.Single(records, r => r.TransactionId == transactionId);
        Assert.Equal((400, Outcome.ClientError, "limited", (string?)null), (record.Status, record.Outcome, record.Service, record.Grant));
    }

    [Theory]
    [InlineData("/limited")]
    [InlineData("/socket")]
    public async Task H2c_upgrade_is_refused_even_by_a_service_that_accepts_websockets(string prefix)
    {
        var path = $"{prefix}/h2c-{Guid.NewGuid():N}";
        using var response = await gateway.CallAsync(HttpMethod.Get, path, await gateway.TokenAsync("ws-app"), configure: request =>
        {
            request.Headers.Connection.Add("Upgrade");
            request.Headers.Connection.Add("HTTP2-Settings");
            request.Headers.Upgrade.ParseAdd("h2c");
            request.Headers.Add("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA");
        });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "upgrade-not-allowed");
        Assert.Equal(0, gateway.Workspace.Upstream.ReceivedUnder(path));
    }

    [Theory]
    [InlineData("GET", "Upgrade", null)]
    [InlineData("GET", null, "websocket")]
    [InlineData("GET", "Upgrade", "websocket, h2c")]
    [InlineData("GET", "Upgrade", "SPDY/3.1")]
    [InlineData("POST", "Upgrade", "websocket")]
    public async Task Half_an_upgrade_another_protocol_or_an_upgrade_on_another_method_is_refused_by_a_websocket_service(
        string method, string? connection, string? upgrade)
    {
        var path = $"/socket/odd-{Guid.NewGuid():N}";
        using var response = await gateway.CallAsync(new HttpMethod(method), path, await gateway.TokenAsync("ws-app"), configure: request =>
        {
            if (connection is not null)
            {
                request.Headers.Connection.Add(connection);
            }

            if (upgrade is not null)
            {
                request.Headers.TryAddWithoutValidation("Upgrade", upgrade);
            }
        });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "upgrade-not-allowed");
        Assert.Equal(0, gateway.Workspace.Upstream.ReceivedUnder(path));
    }

    [Fact]
    public async Task Websocket_handshake_without_a_token_is_refused_and_never_reaches_the_provider()
    {
        var path = $"/socket/anonymous-{Guid.NewGuid():N}";
        using (var response = await HandshakeAsync(path, token: null, WebSocketUpgrade))
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-missing");
        }

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(SocketUri(path), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        Assert.Equal(0, gateway.Workspace.Upstream.ReceivedUnder(path));
    }

    [Fact]
    public async Task Websocket_handshake_without_a_grant_is_refused_and_never_reaches_the_provider()
    {
        var path = $"/socket/ungranted-{Guid.NewGuid():N}";
        using var response = await HandshakeAsync(path, await gateway.TokenAsync("viettel-sim"), WebSocketUpgrade);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "no-grant");
        Assert.Equal(0, gateway.Workspace.Upstream.ReceivedUnder(path));
    }

    private const string WebSocketUpgrade = "websocket";

    private Uri SocketUri(string path) => new($"ws://127.0.0.1:{gateway.DataPort}{path}");

    // An RFC 6455 handshake sent with HttpClient, so that a refusal's problem body can be read.
    private Task<HttpResponseMessage> HandshakeAsync(string path, string? token, string upgrade) =>
        gateway.CallAsync(HttpMethod.Get, path, token, configure: request =>
        {
            request.Headers.Connection.Add("Upgrade");
            request.Headers.Upgrade.ParseAdd(upgrade);
            request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
            request.Headers.Add("Sec-WebSocket-Version", "13");
        });
}
