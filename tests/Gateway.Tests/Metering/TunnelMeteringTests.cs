using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Metering;

/// <summary>A declared WebSocket through the gateway: one usage record, written when it closes, for all of it.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TunnelMeteringTests(GatewayFixture gateway)
{
    private const int Messages = 50;
    private const int MessageBytes = 1000;

    [Fact]
    public async Task Declared_websocket_carries_the_verified_identity_and_is_metered_once_for_its_whole_session_and_bytes()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + await gateway.TokenAsync("ws-app"));
        socket.Options.SetRequestHeader("X-Consumer-Agency", "BCA");

        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.DataPort}/socket/session"), CancellationToken.None);
        // From the switch to the last echo: the gateway's call began before it and ends after the close below.
        var session = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        var transactionId = socket.HttpResponseHeaders!["X-Transaction-Id"].Single();
        var greeting = await SocketEcho.ReadGreetingAsync(socket);
        await SocketEcho.EchoAsync(socket, Messages, MessageBytes);
        session.Stop();
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        Assert.Equal(SocketEcho.GreetingPrefix + "WS", greeting);
        var records = await gateway.Gateway.StoredRecordsAsync("WS", since, rs => rs.Any(r => r.TransactionId == transactionId));
        var record = Assert.Single(records, r => r.TransactionId == transactionId);
        Assert.Equal((101, Outcome.Ok, "socket", "ws-socket", "GET"), (record.Status, record.Outcome, record.Service, record.Grant, record.Method));
        // Frame headers and masks come on top of the payload; a tunnel counted twice would be past twice the payload.
        const long payload = Messages * MessageBytes;
        Assert.InRange(record.RequestBytes, payload, 2 * payload);
        Assert.InRange(record.ResponseBytes, payload + greeting.Length, 2 * payload);
        Assert.True(record.LatencyMs >= session.Elapsed.TotalMilliseconds, $"latency {record.LatencyMs} ms, session {session.Elapsed.TotalMilliseconds} ms");
    }
}
