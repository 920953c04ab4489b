using System.Collections.Concurrent;
using System.Net;
using System.Text;
using CsCheck;
using Microsoft.AspNetCore.Http.Features;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>
/// A grant for one service can never reach another. Two services on two upstreams; the caller holds a grant for
/// service A only. Whatever path is sent, either the gateway refuses it, or upstream A receives it under A's prefix
/// — even as read by a lenient provider that decodes, folds case and resolves dot segments — and upstream B never
/// receives anything.
/// </summary>
public sealed class PathConfusionTests(PathConfusionGateway gateway) : IClassFixture<PathConfusionGateway>
{
    private static readonly string[] Pieces =
    [
        "x", "v1", "a", "b", "A", "B", "..", ".", "x.", "%2e%2e", "%2E", "%2f", "%2F", "%252F", "%255C", "%5c", "\\", "", "//",
        ";p=1", "%3B", "%00", "%0d%0a", "%C0%AE", "%c0%af", "%E0%80%AE", "%20", "~", "%41", "%C3%A9", "..%2F", "%2e", "b.", "?q=../b/v1",
    ];

    [Fact]
    public async Task No_generated_path_reaches_the_ungranted_service_or_leaves_the_granted_prefix()
    {
        var prefixes = Gen.OneOf("/a/v1", "/b/v1", "/A/V1", "/a", "", "/b");
        var paths = Gen.Select(prefixes, Gen.OneOf(Pieces).Array[0, 6], Gen.Bool)
            .Select((prefix, pieces, trailing) => prefix + "/" + string.Join('/', pieces) + (trailing ? "/" : ""));
        var statuses = new ConcurrentDictionary<int, int>();

        await paths.SampleAsync(async path =>
        {
            var before = gateway.ReceivedByA.Count;
            var response = await RawHttp.SendAsync(gateway.Port, RawHttp.Get(path, gateway.Token));
            statuses.AddOrUpdate(response.Status, 1, (_, n) => n + 1);
            Assert.True(response.Status is 200 or 400 or 403 or 404 or 405, $"{path} -> {response.Status} {response.Body}");
            if (response.Status == 200)
            {
                Assert.StartsWith("A|", response.Body, StringComparison.Ordinal);
                var received = response.Body[2..];
                var lenient = LenientProviderView(received);
                Assert.True(lenient == "/a/v1" || lenient.StartsWith("/a/v1/", StringComparison.Ordinal), $"{path} reached A as {received}, which a lenient provider reads as {lenient}");
                Assert.True(gateway.ReceivedByA.Count > before);
            }

            Assert.Empty(gateway.ReceivedByB);
        }, iter: 3000, threads: 4);

        // The sample exercised both outcomes: some paths were refused as not canonical, some were served by A.
        Assert.True(statuses.GetValueOrDefault(200) > 50, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(400) > 50, string.Join(", ", statuses));
    }

    [Theory]
    [InlineData("/a/v1/..%2F..%2Fb/v1/x")]
    [InlineData("/a/v1/..%252F..%252Fb/v1/x")]
    [InlineData("/a/v1/%2e%2e/%2e%2e/b/v1/x")]
    [InlineData("/a/v1/..\\..\\b/v1/x")]
    [InlineData("/a/v1//x")]
    [InlineData("/a/v1/x;jsessionid=1")]
    [InlineData("/a/v1/%C0%AE%C0%AE/b/v1/x")]
    [InlineData("/a/v1/x./y")]
    [InlineData("http://gateway.test/b/v1/x")]
    public async Task Known_smuggling_paths_are_refused_before_the_grant_check(string path)
    {
        var before = gateway.ReceivedByA.Count;
        var response = await RawHttp.SendAsync(gateway.Port, RawHttp.Get(path, gateway.Token));

        Assert.Equal(400, response.Status);
        Assert.Contains("\"urn:ndxp:problem:path-not-canonical\"", response.Body, StringComparison.Ordinal);
        Assert.Empty(gateway.ReceivedByB);
        Assert.Equal(before, gateway.ReceivedByA.Count);
    }

    [Fact]
    public async Task A_nul_in_the_path_is_refused_by_the_server_before_the_gateway_sees_it()
    {
        var before = gateway.ReceivedByA.Count;
        var response = await RawHttp.SendAsync(gateway.Port, RawHttp.Get("/a/v1/x%00", gateway.Token));

        // Kestrel's own bare 400: no problem body, because no gateway code ran.
        Assert.Equal(400, response.Status);
        Assert.DoesNotContain("urn:ndxp:problem:", response.Body, StringComparison.Ordinal);
        Assert.Empty(gateway.ReceivedByB);
        Assert.Equal(before, gateway.ReceivedByA.Count);
    }

    [Theory]
    [InlineData("/a/v1/x/../../b/v1/x", "/b/v1/x")]
    [InlineData("/A/V1/citizens/1", "/A/V1/citizens/1")]
    [InlineData("/a/v1/caf%C3%A9", "/a/v1/caf%C3%A9")]
    public async Task Canonical_paths_are_forwarded_exactly_as_checked(string path, string expected)
    {
        var response = await RawHttp.SendAsync(gateway.Port, RawHttp.Get(path, gateway.Token));

        if (expected.StartsWith("/b/", StringComparison.Ordinal))
        {
            // Kestrel resolves literal dot segments before routing; the gateway refuses them outright.
            Assert.Equal(400, response.Status);
            Assert.Contains("\"urn:ndxp:problem:path-not-canonical\"", response.Body, StringComparison.Ordinal);
            Assert.Empty(gateway.ReceivedByB);
        }
        else
        {
            Assert.Equal(200, response.Status);
            Assert.Equal("A|" + expected, response.Body);
        }
    }

    // How a careless provider might read the path it was sent: decode until stable, backslashes as slashes, drop
    // matrix parameters, collapse slashes, resolve dot segments, trim trailing dots, fold case.
    private static string LenientProviderView(string path)
    {
        var text = path;
        for (var i = 0; i < 4; i++)
        {
            text = Uri.UnescapeDataString(text);
        }

        text = text.Replace('\\', '/');
        var segments = new List<string>();
        foreach (var raw in text.Split('/'))
        {
            var segment = raw.Split(';')[0].TrimEnd('.', ' ').ToLowerInvariant();
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        return "/" + string.Join('/', segments);
    }
}

/// <summary>The gateway of <see cref="PathConfusionTests"/>: two services on two recording upstreams, a grant for A only.</summary>
public sealed class PathConfusionGateway : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private GatewayWorkspace? _workspace;

    public ConcurrentQueue<string> ReceivedByA { get; } = new();

    public ConcurrentQueue<string> ReceivedByB { get; } = new();

    public int Port { get; private set; }

    public string Token { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var upstreamA = await StartRecordingUpstreamAsync("A", ReceivedByA);
        var upstreamB = await StartRecordingUpstreamAsync("B", ReceivedByB);
        var registry = new RegistryDocument
        {
            Agencies = [new() { Code = "PRV", Name = "Provider" }, new() { Code = "CON", Name = "Consumer" }],
            Clients = [new() { Id = "con-app", Agency = "CON", SecretHash = TestRegistry.SecretHash }],
            Services =
            [
                new() { Id = "svc-a", Provider = "PRV", PathPrefix = "/a/v1", Destinations = [upstreamA], Methods = ["GET"] },
                new() { Id = "svc-b", Provider = "PRV", PathPrefix = "/b/v1", Destinations = [upstreamB], Methods = ["GET"] },
            ],
            Grants = [new() { Id = "con-a", ConsumerAgency = "CON", Service = "svc-a" }],
        };
        _workspace = await GatewayWorkspace.CreateAsync();
        // The property test's client is refused thousands of times on purpose: a refusal budget would stop it.
        var gateway = await _workspace.StartGatewayAsync(registry, "--Limits:RefusalBurst=100000");
        Port = gateway.DataPort;
        Token = await gateway.Data.TokenAsync("con-app");
    }

    public async Task DisposeAsync()
    {
        if (_workspace is not null)
        {
            await _workspace.DisposeAsync();
        }

        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }

    private async Task<string> StartRecordingUpstreamAsync(string name, ConcurrentQueue<string> received)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(async context =>
        {
            var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
            received.Enqueue(target);
            var path = target.Split('?')[0];
            context.Response.StatusCode = (int)HttpStatusCode.OK;
            await context.Response.WriteAsync(name + "|" + path, Encoding.UTF8);
        });
        await app.StartAsync();
        _owned.Add(app);
        return url;
    }
}
