using System.Diagnostics;
using System.Net.Sockets;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A throwaway Redis (Debian's <c>redis-server</c>) on a free loopback port, without persistence; it can be stopped
/// and started again on the same port to play an outage.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;

    public int Port { get; } = FreePort.Next();

    public string Configuration => $"127.0.0.1:{Port}";

    public async Task InitializeAsync() => await StartAsync();

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(FindServer()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Poll.UntilAsync(async () =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, "redis-server listening");
    }

    /// <summary>Empties the server, so that a test's buckets and quota counters start from nothing.</summary>
    public async Task FlushAsync()
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"{Configuration},allowAdmin=true");
        await connection.GetServer(Configuration).FlushAllDatabasesAsync();
    }

    /// <summary>Kills the server, as an outage would.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public Task DisposeAsync() => StopAsync();

    private static readonly string[] ServerPaths = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];

    private static string FindServer() =>
        ServerPaths.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("redis-server not found: run ./test.sh, which installs the Debian package.");
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<RedisServer>, ICollectionFixture<PostgresServer>
{
    public const string Name = "cluster";
}
