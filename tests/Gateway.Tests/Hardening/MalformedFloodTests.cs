using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Ndxp.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>
/// A flood of malformed requests (random bytes, truncated requests, broken HTTP) against a real gateway process:
/// valid calls keep being served during it, nothing answers 5xx, and the process's memory does not grow with it.
/// </summary>
public sealed partial class MalformedFloodTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Citizen = "/population/v1/citizens/001099012345";
    private const int Rounds = 4;
    private const int RequestsPerRound = 1000;
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task The_gateway_keeps_serving_valid_calls_with_no_5xx_and_flat_memory_through_a_flood_of_malformed_requests()
    {
        // The GC's adaptation to the application's size (DATAS, on by default) collects its small young generation all
        // through the flood, so each reading of the live heap below is recent.
        var gateway = await _workspace.StartProcessAsync(_workspace.Registry, "--Gateway:RequestHeadersTimeout=00:00:02");
        var (client, admin) = (gateway.Data, gateway.Admin);
        var token = await client.TokenAsync("vcb-ekyc");
        var answers = new ConcurrentDictionary<int, int>();
        var validFailures = new ConcurrentBag<string>();
        var random = new Random(20261123);
        var requests = Enumerable.Range(0, Rounds * RequestsPerRound).Select(_ => Malformed(random, token)).ToList();
        var memory = new List<(double Heap, double Rss)>();

        for (var round = 0; round < Rounds; round++)
        {
            using var stop = new CancellationTokenSource();
            var valid = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    using var response = await client.CallAsync(HttpMethod.Get, Citizen, token, "ekyc");
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        validFailures.Add($"{(int)response.StatusCode}");
                    }

                    await Task.Delay(20);
                }
            });

            await Parallel.ForEachAsync(requests.Skip(round * RequestsPerRound).Take(RequestsPerRound), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (request, _) =>
            {
                var status = await SendAsync(gateway.DataPort, request);
                answers.AddOrUpdate(status, 1, (_, n) => n + 1);
            });
            await stop.CancelAsync();
            await valid;
            await Task.Delay(500);
            memory.Add(await MemoryAsync(admin));
            output.WriteLine($"round {round}: heap {memory[^1].Heap / 1e6:F1} MB, rss {memory[^1].Rss / 1e6:F1} MB");
        }

        output.WriteLine("answers: " + string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}")));
        Assert.Empty(validFailures);
        // Kestrel answers a request line with an HTTP version it does not speak with 505 (RFC 9110 section 15.6.6)
        // before any gateway code runs: the protocol's own answer to that input, not a failure of the gateway.
        Assert.DoesNotContain(answers.Keys, status => status >= 500 && status != (int)HttpStatusCode.HttpVersionNotSupported);
        Assert.True(answers.GetValueOrDefault(400) > RequestsPerRound / 2, "the flood was mostly not even parsed");
        // After the first round has warmed everything up, later rounds must not keep adding memory.
        Assert.True(memory[^1].Heap < memory[1].Heap * 1.5 + 20e6, $"managed heap live at the last collection grew from {memory[1].Heap / 1e6:F1} MB to {memory[^1].Heap / 1e6:F1} MB");
        Assert.True(memory[^1].Rss < memory[1].Rss * 1.3 + 30e6, $"resident memory grew from {memory[1].Rss / 1e6:F1} MB to {memory[^1].Rss / 1e6:F1} MB");
        using var still = await client.CallAsync(HttpMethod.Get, Citizen, token, "ekyc");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    // The status of the first answer, 0 when the server closed without one (truncated requests are abandoned).
    private static async Task<int> SendAsync(int port, (byte[] Bytes, bool Complete) request)
    {
        try
        {
            using var tcp = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await tcp.ConnectAsync("127.0.0.1", port, timeout.Token);
            var stream = tcp.GetStream();
            await stream.WriteAsync(request.Bytes, timeout.Token);
            if (!request.Complete)
            {
                return 0;
            }

            var buffer = new byte[64];
            var read = await stream.ReadAtLeastAsync(buffer, 12, throwOnEndOfStream: false, timeout.Token);
            var head = Encoding.ASCII.GetString(buffer, 0, read);
            return head.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(head.AsSpan(9, 3), CultureInfo.InvariantCulture) : 0;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            return 0;
        }
    }

    private static (byte[] Bytes, bool Complete) Malformed(Random random, string token)
    {
        var valid = $"GET {Citizen} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nX-Purpose: ekyc\r\n\r\n";
        switch (random.Next(8))
        {
            case 0:
                var bytes = new byte[random.Next(1, 2000)];
                random.NextBytes(bytes);
                return (bytes, true);
            case 1:
                return (Encoding.ASCII.GetBytes(valid[..random.Next(1, valid.Length - 4)]), false);
            case 2:
                return (Encoding.ASCII.GetBytes($"{RandomToken(random)} {Citizen} HTTP/1.1\r\nHost: x\r\n\r\n"), true);
            case 3:
                return (Encoding.ASCII.GetBytes($"GET {Citizen} HTTP/{random.Next(0, 10)}.{random.Next(0, 10)}{random.Next(0, 10)}\r\nHost: x\r\n\r\n"), true);
            case 4:
                return (Encoding.ASCII.GetBytes($"POST /echo/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{RandomToken(random)}\r\nabc\r\n0\r\n\r\n"), true);
            case 5:
                return (Encoding.ASCII.GetBytes($"GET {Citizen} HTTP/1.1\r\nHost: x\r\n{RandomToken(random)}\x01: \x7f\r\n\r\n"), true);
            case 6:
                return (Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + new string('\0', random.Next(0, 100))), true);
            default:
                var line = Encoding.ASCII.GetBytes(valid);
                line[random.Next(line.Length)] = (byte)random.Next(0, 32);
                return (line, true);
        }
    }

    private static string RandomToken(Random random) =>
        new([.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next(33, 127))]);

    private static async Task<(double Heap, double Rss)> MemoryAsync(HttpClient admin)
    {
        var metrics = await admin.GetStringAsync("/metrics");
        // What the last collection left (every generation): the total with the garbage not yet collected would measure
        // where the gateway was in its young generation's budget.
        var live = Regex.Matches(metrics, "^system_runtime_dotnet_gc_last_collection_heap_size\\{[^}]*\\} ([0-9.e+]+)", RegexOptions.Multiline)
            .Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        return (live, Metric(metrics, "process_working_set_bytes"));
    }

    private static double Metric(string metrics, string name) =>
        double.Parse(Regex.Match(metrics, $"^{name} ([0-9.e+]+)", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);
}
