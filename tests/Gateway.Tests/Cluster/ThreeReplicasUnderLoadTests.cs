using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json;
using Ndxp.Gateway.Load;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Deployment;
using Ndxp.Gateway.Tests.Infrastructure;
using Ndxp.Gateway.Tests.Load;
using Xunit.Abstractions;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>
/// Three replica containers of the image sharing a real PostgreSQL and Redis behind HAProxy (the Service), under the
/// load tool's constant rate, while a grant is changed through one replica, all three are restarted one at a time
/// (SIGTERM and drain, as a rollout does) and Redis is restarted once: no call fails, one grant's calls through one
/// replica get the whole shared rate, and the metering of all three adds up to what the load tool saw answered.
/// CI runs it for <see cref="DefaultSeconds"/> s at <see cref="DefaultRate"/> calls/s; perf/cluster.sh runs it longer
/// and faster through <c>NDXP_CLUSTER_SECONDS</c> and <c>NDXP_CLUSTER_RATE</c>.
/// </summary>
[Collection(ContainerCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class ThreeReplicasUnderLoadTests(ContainerImages images, RedisServer redis, PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int DefaultSeconds = 60;
    private const int DefaultRate = 150;
    private const string RateClient = "cl-rate";
    private const string TaxCode = "/enterprise/v1/enterprises/0109999001";

    // The demo mix without its refused scenarios: every call is answered 200, or 429 past its grant's rate.
    private const string Mix = "subscriber-verification=48,bank-ekyc=15,bank-credit=2,province-citizen=15,province-insurance=2,civil-status=12,over-limit=2";

    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(2);
    private readonly List<GatewayContainer> _replicas = [];
    private readonly List<string> _folders = [];
    private HaproxyServer? _service;

    public async Task InitializeAsync() => await redis.FlushAsync();

    [Fact]
    public async Task Three_replicas_serve_a_constant_rate_through_a_grant_change_a_rolling_restart_and_a_redis_restart()
    {
        var (seconds, rate) = (Setting("NDXP_CLUSTER_SECONDS", DefaultSeconds), Setting("NDXP_CLUSTER_RATE", DefaultRate));
        await StartClusterAsync();
        var first = _replicas[0];
        first.Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await first.Data.TokenAsync("ops-console", DemoTestRegistry.OperatorSecret));
        var rateToken = await first.Data.TokenAsync(RateClient, TestRegistry.Secret);

        // Configured as one (Limits:ReplicaCount), the replicas count three in Redis: each takes a third of a cap.
        foreach (var replica in _replicas)
        {
            await Poll.UntilAsync(async () => await MetricsText.ValueAsync(replica.Admin, "ndxp_gateway_limits_replicas") == 3, $"{replica.Name} counts 3 replicas");
        }

        // Shared limits: one grant's calls, all through one replica, get the whole shared rate (not a third of it).
        var throughOne = await SharedLimits.LoadAsync([first.Data], rateToken, TaxCode, TimeSpan.FromSeconds(4), callersPerReplica: 8);
        SharedLimits.AssertAdmittedOnce(throughOne, TestRegistry.ClusterRate, HttpStatusCode.TooManyRequests, output, "1 of 3 replica containers");

        var from = DateTimeOffset.UtcNow.AddHours(-1);
        // A token of its own for each reading: a long run (perf/cluster.sh) outlives the 5-minute tokens.
        async Task<Dictionary<(string Agency, string Service), long>> MeteredAsync() =>
            await MeteredUsage.FromGatewayAsync(first.Admin, await first.Data.TokenAsync("ops-console", DemoTestRegistry.OperatorSecret), from);
        var before = await MeteredAsync();
        var reports = Directory.CreateTempSubdirectory("ndxp-cluster-load-").FullName;
        _folders.Add(reports);
        var clock = Stopwatch.StartNew();
        var load = LoadTool.RunAsync(
            "--target", _service!.Url, "--rate", rate.ToString(CultureInfo.InvariantCulture), "--duration", $"{seconds}s", "--mix", Mix,
            "--timeout", "10s", "--report", reports, "--quiet");

        // A grant removed through one replica is in effect on the others within 2 s.
        await first.Admin.ChangeAsync(HttpMethod.Delete, $"/admin/v1/grants/{RateClient}", ifMatch: "*");
        foreach (var other in _replicas.Skip(1))
        {
            var (status, elapsed) = await Poll.TimedUntilAsync(
                async () =>
                {
                    using var call = await other.Data.CallAsync(HttpMethod.Get, TaxCode, rateToken);
                    return call.StatusCode;
                },
                status => status == HttpStatusCode.Forbidden,
                Propagation + TimeSpan.FromSeconds(3));
            output.WriteLine($"grant removal seen by {other.Name} after {elapsed.TotalMilliseconds:0} ms");
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.True(elapsed <= Propagation, $"{other.Name} applied the change after {elapsed}");
        }

        // A rolling restart, one replica at a time, each back in HAProxy's rotation before the next goes.
        foreach (var replica in _replicas)
        {
            var restart = Stopwatch.StartNew();
            Assert.Equal(0, await replica.StopAsync());
            await replica.StartAgainAsync();
            await _service.WaitUntilAllUpAsync();
            output.WriteLine($"{replica.Name} stopped (exit 0) and back in rotation after {restart.Elapsed.TotalSeconds:0.0} s, at {clock.Elapsed.TotalSeconds:0.0} s of the load");
        }

        await redis.StopAsync();
        await redis.StartAsync();
        output.WriteLine($"Redis restarted at {clock.Elapsed.TotalSeconds:0.0} s of the load");
        Assert.False(load.IsCompleted, $"the load ended before the restarts did ({clock.Elapsed.TotalSeconds:0} s): run it longer");

        var (exit, _, error) = await load;
        output.WriteLine(await images.Engine.DockerCheckedAsync(["stats", "--no-stream", "--format", "{{.Name}} after the load: memory {{.MemUsage}}", .. _replicas.Select(r => r.Name)]));
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reports, "report.json")));
        var totals = report.RootElement.GetProperty("totals");
        output.WriteLine($"load: {totals} latency {report.RootElement.GetProperty("latencyMs")}");
        foreach (var scenario in report.RootElement.GetProperty("scenarios").EnumerateArray().Where(s => s.GetProperty("errors").GetInt64() > 0))
        {
            output.WriteLine($"{scenario.GetProperty("name")}: {scenario.GetProperty("statuses")} unexpected {scenario.GetProperty("unexpectedKinds")}");
        }

        output.WriteLine($"HAProxy logged {_service.Log.Count} lines (replicas down and up, abnormal calls); the first 20:");
        foreach (var line in _service.Log.Take(20))
        {
            output.WriteLine(line);
        }

        Assert.True(exit == LoadCommand.Passed, error);
        Assert.Equal(0, totals.GetProperty("errors").GetInt64());
        Assert.Equal(totals.GetProperty("scheduled").GetInt64(), totals.GetProperty("answered").GetInt64());

        // Every answered call metered once, whichever replica answered it and whether it was restarted since.
        var answered = MeteredUsage.FromLoadReport(report.RootElement);
        var metered = await Poll.UntilAsync(
            async () => MeteredUsage.Since(await MeteredAsync(), before).Where(m => m.Key.Agency != "CL").ToDictionary(),
            m => m.Count == answered.Count && m.All(kv => answered.GetValueOrDefault(kv.Key) == kv.Value));
        Assert.Equal(answered.OrderBy(kv => kv.Key), metered.OrderBy(kv => kv.Key));
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        foreach (var replica in _replicas)
        {
            output.WriteLine((await replica.LogsAsync()).Split('\n').FirstOrDefault(line => line.Contains("\"@l\":\"Error\"", StringComparison.Ordinal)) ?? $"{replica.Name}: no error logged");
            replica.Dispose();
        }

        await images.Engine.DockerAsync(["rm", "--force", "--volumes", "cluster-providers", .. _replicas.Select(r => r.Name)]);
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The demo providers, three replicas seeded with the demo registry (one after the other: the first seeds the store), HAProxy.</summary>
    private async Task StartClusterAsync()
    {
        var providersPort = FreePort.Next();
        await images.RunAsync("cluster-providers", ContainerImages.DemoProviders, [], [$"http://127.0.0.1:{providersPort}"]);
        var demo = DemoTestRegistry.Build($"http://127.0.0.1:{providersPort}");
        var registry = demo with
        {
            Agencies = [.. demo.Agencies, new Agency { Code = "CL", Name = "An agency the cluster test calls as", Kind = AgencyKind.Other }],
            Clients = [.. demo.Clients, new Client { Id = RateClient, Agency = "CL", SecretHash = TestRegistry.SecretHash }],
            Grants =
            [
                .. demo.Grants,
                new Grant
                {
                    Id = RateClient, ConsumerAgency = "CL", ConsumerClient = RateClient, Service = "enterprise-lookup",
                    RateLimit = new RateLimit { PerSecond = TestRegistry.ClusterRate, Burst = TestRegistry.ClusterRate },
                },
            ],
        };
        var seed = await GatewayContainer.WriteSeedAsync(registry);
        var keys = SigningKeyFolder();
        _folders.AddRange([seed, keys]);
        var database = await postgres.CreateDatabaseAsync();
        // As the production overlay runs them: shared issuer, keys from a mounted secret, store and Redis from secrets
        // (but a replica count of one: they must count themselves).
        string[] settings =
        [
            "--Identity:Issuer=https://gateway.test", "--Identity:SigningKeysDirectory=/var/run/ndxp/signing-keys", "--Identity:GenerateSigningKeyIfMissing=false",
            "--Limits:ReplicaCount=1", "--Gateway:ShutdownDelay=00:00:03", "--Gateway:DrainTimeout=00:00:10", "--Metering:FlushInterval=00:00:00.500",
        ];
        var secrets = new Dictionary<string, string> { ["Storage__PostgresConnectionString"] = database, ["Limits__Redis"] = redis.Configuration };
        for (var i = 1; i <= 3; i++)
        {
            _replicas.Add(await GatewayContainer.StartAsync(images, $"cluster-gateway-{i}", seed, settings, secrets, [$"{keys}:/var/run/ndxp/signing-keys:ro"]));
        }

        _service = HaproxyServer.Start(_replicas.Select(r => (r.Name, r.DataPort, r.AdminPort)));
        await _service.WaitUntilAllUpAsync();
    }

    /// <summary>The signing key every replica loads, as the production overlay mounts it from a Secret.</summary>
    private static string SigningKeyFolder()
    {
        var folder = ContainerImages.ReadableFolder();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var file = Path.Combine(folder, "cluster-1.pem");
        File.WriteAllText(file, key.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return folder;
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
