using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A loopback port nobody listens on right now, for a server the test starts. Taken below the kernel's ephemeral
/// range: a port from that range can be taken by one of the many outgoing connections the tests make between the
/// check and the server's bind ("address already in use"). Never the same port twice in one test run.
/// </summary>
internal static class FreePort
{
    private const int First = 20_000;
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();
    private static readonly int Last = EphemeralStart() - 1;

    public static int Next()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            if (!HandedOut.TryAdd(port, true))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use by something else on this machine: try another.
            }
        }

        throw new InvalidOperationException("No free loopback port found.");
    }

    private static int EphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            var start = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
            return start > First + 1000 ? start : 32_768;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }
}
