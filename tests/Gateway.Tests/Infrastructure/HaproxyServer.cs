using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// Debian's HAProxy playing a Kubernetes Service in front of gateway replicas on loopback: round robin over the
/// replicas it finds ready (<c>GET /readyz</c> on their admin port every 500 ms; two failures take a replica out, two
/// successes put it back), and, as ingress-nginx does by default, a call whose connection failed (or was closed
/// unanswered) is tried again on another replica. Its statistics page says which replicas it sees up; its log says
/// when replicas went down and up and which calls ended abnormally (<see cref="Log"/>).
/// </summary>
internal sealed class HaproxyServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Process _process;
    private readonly HttpClient _stats;
    private readonly ConcurrentQueue<string> _log = new();

    private HaproxyServer(string directory, Process process, int port, int statsPort)
    {
        _directory = directory;
        _process = process;
        Url = $"http://127.0.0.1:{port}";
        _stats = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statsPort}") };
    }

    public string Url { get; }

    /// <summary>HAProxy's log: replicas going down and up, and calls that ended abnormally (an error status, a retry).</summary>
    public IReadOnlyCollection<string> Log => _log;

    /// <summary>Starts HAProxy in front of these replicas (name, data port, admin port).</summary>
    public static HaproxyServer Start(IEnumerable<(string Name, int DataPort, int AdminPort)> replicas)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        var (port, statsPort) = (FreePort.Next(), FreePort.Next());
        var config = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"""
            global
              maxconn 4096
              log stdout format raw local0
            defaults
              mode http
              log global
              option httplog
              option dontlog-normal
              timeout connect 2s
              timeout client 30s
              timeout server 30s
              retries 3
              option redispatch 1
              retry-on conn-failure empty-response
            frontend data
              bind 127.0.0.1:{port}
              default_backend gateways
            backend gateways
              balance roundrobin
              option httpchk GET /readyz
              http-check expect status 200
              timeout check 2s
              default-server inter 500ms fall 2 rise 2

            """));
        foreach (var (name, dataPort, adminPort) in replicas)
        {
            config.Append(CultureInfo.InvariantCulture, $"  server {name} 127.0.0.1:{dataPort} check port {adminPort}\n");
        }

        config.Append(CultureInfo.InvariantCulture, $"listen stats\n  bind 127.0.0.1:{statsPort}\n  stats enable\n  stats uri /stats\n");
        var directory = Directory.CreateTempSubdirectory("ndxp-haproxy-").FullName;
        var file = Path.Combine(directory, "haproxy.cfg");
        File.WriteAllText(file, config.ToString());
        var start = new ProcessStartInfo(Find()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-db", "-f", file })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var server = new HaproxyServer(directory, process, port, statsPort);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Each replica's state as HAProxy sees it: <c>UP</c>, <c>DOWN</c>, <c>UP 1/2</c> (coming back)...</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReplicaStatesAsync()
    {
        var lines = (await _stats.GetStringAsync("/stats;csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        var (proxy, name, status) = (Array.IndexOf(header, "pxname"), Array.IndexOf(header, "svname"), Array.IndexOf(header, "status"));
        return lines.Skip(1).Select(line => line.Split(','))
            .Where(fields => fields[proxy] == "gateways" && fields[name] is not ("FRONTEND" or "BACKEND"))
            .ToDictionary(fields => fields[name], fields => fields[status]);
    }

    /// <summary>Waits until HAProxy sends calls to every replica.</summary>
    public Task WaitUntilAllUpAsync() => Poll.UntilAsync(
        async () =>
        {
            try
            {
                return (await ReplicaStatesAsync()).Values.All(state => state == "UP");
            }
            catch (HttpRequestException)
            {
                return false; // HAProxy not listening yet.
            }
        },
        "HAProxy sees every replica up",
        TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        _stats.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            _log.Enqueue(line);
        }
    }

    private static string Find() =>
        File.Exists("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : throw new InvalidOperationException("haproxy not found: run ./test.sh, which installs the Debian package.");
}
