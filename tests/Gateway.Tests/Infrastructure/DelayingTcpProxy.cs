using System.Net;
using System.Net.Sockets;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of a server (Redis, say) that can be told to hold every answer back for a while:
/// a slow server, as a congested network or an overloaded Redis looks to its clients. Requests pass at once; each
/// chunk of answer is released no earlier than <see cref="AnswerDelay"/> after it arrived, in order.
/// </summary>
internal sealed class DelayingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpClient> _connections = [];
    private long _delayTicks;

    private DelayingTcpProxy(TcpListener listener, int targetPort)
    {
        _listener = listener;
        _targetPort = targetPort;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How long each answer is held; zero passes answers straight through.</summary>
    public TimeSpan AnswerDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    public static DelayingTcpProxy Start(int targetPort)
    {
        var listener = new TcpListener(IPAddress.Loopback, FreePort.Next());
        listener.Start();
        var proxy = new DelayingTcpProxy(listener, targetPort);
        _ = proxy.AcceptAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
                var server = new TcpClient();
                lock (_connections)
                {
                    _connections.Add(client);
                    _connections.Add(server);
                }

                try
                {
                    await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stopping.Token);
                }
                catch (SocketException)
                {
                    // The server is down (a test may stop it): this client sees its connection closed, the next may do better.
                    client.Dispose();
                    continue;
                }

                _ = PumpAsync(client.GetStream(), server.GetStream(), delayed: false);
                _ = PumpAsync(server.GetStream(), client.GetStream(), delayed: true);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool delayed)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stopping.Token);
                if (read == 0)
                {
                    to.Socket.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (delayed && AnswerDelay > TimeSpan.Zero)
                {
                    await Task.Delay(AnswerDelay, _stopping.Token);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // One side closed or the proxy stopped.
        }
    }
}
