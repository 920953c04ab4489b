using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>
/// Measures, once for all of <see cref="HostileCostTests"/>, what each class of hostile request costs a gateway
/// process (issue 13): CPU, log bytes, store bytes and resident memory per class, against the fair baseline of a
/// refused garbage token sent over the same transport (kept-alive connections, or a new connection per request).
/// After a warm-up pass of every class (tiered compilation), the classes are measured in <see cref="Rounds"/>
/// rounds, each round in a rotated order, each sample right after one of its baseline; the figures are medians, the
/// ratios medians of the ratios to those paired baseline samples.
/// </summary>
public sealed class HostileCostFixture : IAsyncLifetime
{
    public const int Rounds = 5;
    private const int Parallelism = 4;

    // Requests per measurement: the CPU clock counts nanoseconds, so these only need to average out a request's
    // noise, and keep the suite (a warm-up and five rounds of every class) within about half a minute on 2 cores.
    // The admin documents are served from memory now: as many of them, since a short sample is mostly noise.
    private const int KeptAliveRequests = 600;
    private const int NewConnectionRequests = 300;
    private const string GarbageToken = "not.a.token";
    private const string Target = "/echo/x";
    private static readonly string[] ClassClients = ["cost-method", "cost-underscore", "cost-body", "cost-upgrade"];
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private GatewayWorkspace _workspace = null!;
    private GatewayProcess _gateway = null!;
    private string _log = "";

    internal IReadOnlyList<CostRow> Rows { get; private set; } = [];

    internal string Table { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _log = Path.Combine(_workspace.Directory, "gateway.log");
        var registry = _workspace.Registry;
        // VCB's clients may call GET /echo with purpose ekyc: one client per class that spends a refusal budget, so
        // that one class's spent budget does not turn another's answers into 429s.
        registry = registry with
        {
            Clients = [.. registry.Clients, .. ClassClients.Select(id => new Client { Id = id, Agency = "VCB", SecretHash = TestRegistry.SecretHash })],
        };
        // Thread-pool threads spin for work between bursts: CPU that counts the load's shape, not what a request causes,
        // and that moved the baseline between 136 and 552 us per request from one run to the next. Off here.
        _gateway = await _workspace.StartProcessAsync(registry, new Dictionary<string, string> { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" },
            // Production's levels (appsettings.json), not the base settings' Warning: the log is part of the cost.
            "--Serilog:MinimumLevel:Default=Information",
            "--Serilog:WriteTo:0:Name=File",
            $"--Serilog:WriteTo:0:Args:path={_log}",
            "--Serilog:WriteTo:0:Args:formatter=Serilog.Formatting.Compact.RenderedCompactJsonFormatter, Serilog.Formatting.Compact",
            // Each measurement waits for the metering writer to have written its records: a tenth of the default
            // 1 s keeps those waits short.
            "--Metering:FlushInterval=00:00:00.100",
            // Production's scrape cache (the test workspace turns it off so that tests read a counter at once).
            "--Observability:MetricsCacheDuration=00:00:01");
        Rows = await MeasureAsync(await ClassesAsync());
        Table = CostRow.Format(Rows);
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    private async Task<IReadOnlyList<CostClass>> ClassesAsync()
    {
        var data = _gateway.Data;
        var admin = _gateway.Admin;
        var port = _gateway.DataPort;
        var longPurpose = new string('p', 15_000);
        var longMethod = "X" + new string('M', 6_999);
        var method = await data.TokenAsync("cost-method");
        var underscore = await data.TokenAsync("cost-underscore");
        var body = await data.TokenAsync("cost-body");
        var upgrade = await data.TokenAsync("cost-upgrade");
        var portal = await data.TokenAsync("hni-portal");
        var other = await data.TokenAsync("hni-other");
        var form = "grant_type=client_credentials&padding=" + new string('a', 40_000);
        return
        [
            new(CostClass.Baseline, Transport.KeptAlive, KeptAliveRequests, () => KeptAliveAsync(data, GarbageToken, "ekyc")),
            new("a. 15,000-byte X-Purpose (hni-portal)", Transport.KeptAlive, KeptAliveRequests, () => KeptAliveAsync(data, portal, longPurpose), [400, 429]),
            new("c. refusal flood: no grant (hni-other)", Transport.KeptAlive, KeptAliveRequests, () => KeptAliveAsync(data, other, "public-service"), [403, 429]),
            new("d. X_Consumer_Agency header", Transport.KeptAlive, KeptAliveRequests,
                () => KeptAliveAsync(data, underscore, "ekyc", r => r.Headers.TryAddWithoutValidation("X_Consumer_Agency", "BCA")), [400, 429]),
            new("e. body on GET", Transport.KeptAlive, KeptAliveRequests,
                () => KeptAliveAsync(data, body, "ekyc", r => r.Content = new StringContent("hello")), [400, 429]),
            new("f. traceparent, tracestate, baggage (garbage token)", Transport.KeptAlive, KeptAliveRequests,
                () => KeptAliveAsync(data, GarbageToken, "ekyc", TraceHeaders), [401]),
            new("h. admin GET /openapi/v1.json", Transport.KeptAlive, KeptAliveRequests, () => AdminAsync(admin, "/openapi/v1.json"), [200]),
            new("h. admin GET /metrics", Transport.KeptAlive, KeptAliveRequests, () => AdminAsync(admin, "/metrics"), [200]),
            new(CostClass.Baseline, Transport.NewConnection, NewConnectionRequests, () => RawAsync(port, RawHttp.Get(Target, GarbageToken, "X-Purpose: ekyc\r\n"))),
            new("b. 7,000-character method, no token", Transport.NewConnection, NewConnectionRequests,
                () => RawAsync(port, $"{longMethod} {Target} HTTP/1.1\r\nHost: gateway.test\r\nConnection: close\r\n\r\n"), [401, 405]),
            new("b. 7,000-character method, token", Transport.NewConnection, NewConnectionRequests,
                () => RawAsync(port, $"{longMethod} {Target} HTTP/1.1\r\nHost: gateway.test\r\nAuthorization: Bearer {method}\r\nX-Purpose: ekyc\r\nConnection: close\r\n\r\n"),
                [405, 429]),
            new("g. Content-Length 100 MB at /connect/token", Transport.NewConnection, NewConnectionRequests,
                () => RawAsync(port, "POST /connect/token HTTP/1.1\r\nHost: gateway.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000000\r\n\r\ngrant_type=client_credentials"),
                [413]),
            new("g. 40 KB form at /connect/token", Transport.NewConnection, NewConnectionRequests,
                () => RawAsync(port, $"POST /connect/token HTTP/1.1\r\nHost: gateway.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {form.Length}\r\nConnection: close\r\n\r\n{form}"),
                [413]),
            new("i. WebSocket upgrade to /echo (token)", Transport.NewConnection, NewConnectionRequests,
                () => RawAsync(port, $"GET {Target} HTTP/1.1\r\nHost: gateway.test\r\nAuthorization: Bearer {upgrade}\r\nX-Purpose: ekyc\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
                [400, 429]),
        ];
    }

    // Each sample of a class follows a sample of its transport's baseline, and its ratios are taken to that one: load
    // from outside that comes and goes over seconds then moves both alike, where a baseline measured once a round
    // let the ratio of one class swing between 1x and 2.2x from run to run.
    private async Task<IReadOnlyList<CostRow>> MeasureAsync(IReadOnlyList<CostClass> classes)
    {
        var samples = classes.ToDictionary(c => c, _ => new List<CostSample>());
        var pairedBaselines = classes.ToDictionary(c => c, _ => new List<CostSample>());
        var storeGrowth = classes.ToDictionary(c => c, _ => 0L);
        var baselines = classes.Where(c => c.Name == CostClass.Baseline).ToDictionary(c => c.Transport);
        await DrainAsync();
        foreach (var costClass in classes)
        {
            storeGrowth[costClass] += (await SampleAsync(costClass)).StoreBytes;
        }

        var measured = classes.Where(c => c.Name != CostClass.Baseline).ToList();
        for (var round = 0; round < Rounds; round++)
        {
            var turn = round * measured.Count / Rounds;
            foreach (var costClass in measured.Skip(turn).Concat(measured.Take(turn)))
            {
                var baseline = baselines[costClass.Transport];
                var before = await SampleAsync(baseline);
                samples[baseline].Add(before);
                pairedBaselines[baseline].Add(before);
                pairedBaselines[costClass].Add(before);
                var sample = await SampleAsync(costClass);
                samples[costClass].Add(sample);
                storeGrowth[costClass] += sample.StoreBytes;
            }
        }

        return [.. classes.Select(c => CostRow.Of(c, samples[c], pairedBaselines[c], storeGrowth[c]))];
    }

    // One measurement: the class's requests, then until the log and the store have everything they cause.
    private async Task<CostSample> SampleAsync(CostClass costClass)
    {
        var (log, store, rss) = (new FileInfo(_log).Length, StoreBytes(), ProcessUsage.ResidentBytes(_gateway.Id));
        var cpu = ProcessUsage.CpuTime(_gateway.Id);
        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, costClass.Requests), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (_, _) =>
            statuses.AddOrUpdate(await costClass.SendAsync(), 1, (_, n) => n + 1));
        var markerBytes = await DrainAsync();
        var cpuAfter = ProcessUsage.CpuTime(_gateway.Id);
        return new CostSample(
            (cpuAfter - cpu).TotalMicroseconds / costClass.Requests,
            (double)(new FileInfo(_log).Length - log - markerBytes) / costClass.Requests,
            StoreBytes() - store,
            ProcessUsage.ResidentBytes(_gateway.Id) - rss,
            statuses);
    }

    // A baseline request whose summary line the log shows once everything before it is written, then an empty metering
    // backlog. Returns the marker's own log bytes, which are not the measured class's.
    private async Task<long> DrainAsync()
    {
        using var marker = await _gateway.Data.CallAsync(HttpMethod.Get, Target, GarbageToken, "ekyc");
        var transaction = Assert.Single(marker.Headers.GetValues("X-Transaction-Id"));
        var lines = await Poll.UntilAsync(
            async () => (await LogFile.ReadAsync(_log)).Split('\n').Where(line => line.Contains(transaction, StringComparison.Ordinal)).ToList(),
            lines => lines.Count > 0);
        Assert.True(lines.Count > 0, $"the marker {transaction} never reached the log");
        await Poll.UntilAsync(async () => await MetricsText.ValueAsync(_gateway.Admin, "ndxp_gateway_metering_backlog_records") == 0, "metering backlog empty");
        return lines.Sum(line => Encoding.UTF8.GetByteCount(line) + 1);
    }

    // The pages the store's tables and indexes use (WAL content included), not the file sizes: the WAL holds page
    // images per flush and is reused after a checkpoint, so its size counts flushes, not what was stored.
    private long StoreBytes()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_workspace.DataDirectory, "gateway.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        long Pragma(string name)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA {name}";
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        return (Pragma("page_count") - Pragma("freelist_count")) * Pragma("page_size");
    }

    private static async Task<int> KeptAliveAsync(HttpClient client, string token, string purpose, Action<HttpRequestMessage>? configure = null)
    {
        using var response = await client.CallAsync(HttpMethod.Get, Target, token, purpose, configure);
        await response.Content.CopyToAsync(Stream.Null);
        return (int)response.StatusCode;
    }

    private static async Task<int> AdminAsync(HttpClient admin, string path)
    {
        using var response = await admin.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        await response.Content.CopyToAsync(Stream.Null);
        return (int)response.StatusCode;
    }

    private static void TraceHeaders(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        request.Headers.TryAddWithoutValidation("tracestate", string.Join(',', Enumerable.Range(0, 32).Select(i => $"vendor{i}=opaque{i:D10}")));
        request.Headers.TryAddWithoutValidation("baggage", string.Join(',', Enumerable.Range(0, 180).Select(i => $"key{i:D3}=value{i:D30}")));
    }

    // A new connection per request, read until the answer is complete.
    private static async Task<int> RawAsync(int port, string request) =>
        (await RawHttp.SendAsync(port, Encoding.Latin1.GetBytes(request), RequestTimeout, untilAnswered: true)).Status;
}
