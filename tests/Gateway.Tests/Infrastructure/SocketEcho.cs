using System.Net.WebSockets;
using System.Text;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// The WebSocket side of <see cref="TestUpstream"/>: its first message names the consumer agency the handshake
/// carried (what the gateway told the provider), then it echoes every message until the client closes.
/// </summary>
internal static class SocketEcho
{
    public static async Task ServeAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var aborted = context.RequestAborted;
        var agency = Encoding.UTF8.GetBytes("agency=" + context.Request.Headers["X-Consumer-Agency"]);
        await socket.SendAsync(agency, WebSocketMessageType.Text, endOfMessage: true, aborted);
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
}
