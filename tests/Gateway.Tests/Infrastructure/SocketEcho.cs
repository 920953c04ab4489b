using System.Net.WebSockets;
using System.Text;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// The WebSocket of <see cref="TestUpstream"/> and its client's half: the first message names the consumer agency the
/// handshake carried (what the gateway told the provider), then every message is echoed until the client closes.
/// </summary>
internal static class SocketEcho
{
    public const string GreetingPrefix = "agency=";

    public static async Task ServeAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var aborted = context.RequestAborted;
        var greeting = Encoding.UTF8.GetBytes(GreetingPrefix + context.Request.Headers["X-Consumer-Agency"]);
        await socket.SendAsync(greeting, WebSocketMessageType.Text, endOfMessage: true, aborted);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, aborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, aborted);
        }
    }

    /// <summary>The provider's first message.</summary>
    public static async Task<string> ReadGreetingAsync(WebSocket socket) => Encoding.UTF8.GetString(await ReceiveAsync(socket));

    /// <summary>Sends <paramref name="messages"/> random messages of <paramref name="size"/> bytes, one at a time, each answered by its echo.</summary>
    public static async Task EchoAsync(WebSocket socket, int messages, int size)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var payload = new byte[size];
        for (var i = 0; i < messages; i++)
        {
            Random.Shared.NextBytes(payload);
            await socket.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            Assert.Equal(payload, await ReceiveAsync(socket));
        }
    }

    private static async Task<byte[]> ReceiveAsync(WebSocket socket)
    {
        using var cancel = new CancellationTokenSource(Poll.Deadline);
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        ValueWebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer.AsMemory(), cancel.Token);
            message.Write(buffer, 0, received.Count);
        }
        while (!received.EndOfMessage);

        return message.ToArray();
    }
}
