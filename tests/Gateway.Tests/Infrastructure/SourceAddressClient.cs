using System.Net;
using System.Net.Sockets;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// An HTTP client whose connections leave from another loopback address (127.0.0.2, 127.0.0.3, ...): to the
/// gateway, a caller on another machine.
/// </summary>
internal static class SourceAddressClient
{
    public static HttpClient Create(int port, string sourceAddress)
    {
        var source = IPAddress.Parse(sourceAddress);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }
}
