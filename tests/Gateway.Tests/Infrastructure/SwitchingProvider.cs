using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A provider that answers every request with <c>101 Switching Protocols</c>, asked for or not, and then echoes
/// whatever arrives on the connection: the naive or hostile provider behind which an admitted call could become an
/// unchecked tunnel. It counts the requests that reached it.
/// </summary>
internal sealed class SwitchingProvider : IAsyncDisposable
{
    private const string Switch = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private int _requests;

    private SwitchingProvider(TcpListener listener)
    {
        _listener = listener;
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Request heads received so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static SwitchingProvider Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, FreePort.Next());
        listener.Start();
        return new SwitchingProvider(listener);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                connections.Add(ServeAsync(await _listener.AcceptTcpClientAsync(_stopping.Token)));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var buffer = new byte[16 * 1024];
        try
        {
            var head = new StringBuilder();
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stopping.Token);
                if (read == 0)
                {
                    return;
                }

                head.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }

            Interlocked.Increment(ref _requests);
            await stream.WriteAsync(Encoding.Latin1.GetBytes(Switch), _stopping.Token);
            int echoed;
            while ((echoed = await stream.ReadAsync(buffer, _stopping.Token)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, echoed), _stopping.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The gateway or the test went away.
        }
    }
}
