using System.Net;
using System.Net.Security;
using System.Net.WebSockets;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Forwarding;

/// <summary>
/// Tunnels on a TLS data port, where callers can negotiate HTTP/2 (ALPN) and open WebSockets with extended CONNECT
/// (RFC 8441), and behind a provider that switches protocols whatever it is asked.
/// </summary>
public sealed class TunnelTests : IAsyncLifetime
{
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa("NDXP tunnel test CA");
    private GatewayWorkspace _workspace = null!;
    private SwitchingProvider _switching = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _switching = SwitchingProvider.Start();
        using var leaf = TestCertificates.CreateLeaf("gateway", _ca, server: true);
        var server = TestCertificates.WritePem(leaf, _workspace.Directory, "gateway");
        var registry = _workspace.Registry;
        registry = registry with
        {
            Services = [.. registry.Services, new Service { Id = "switch", Provider = "BCA", PathPrefix = "/switch", Destinations = [_switching.Url] }],
            Grants = [.. registry.Grants, new Grant { Id = "ws-switch", ConsumerAgency = "WS", Service = "switch" }],
        };
        _gateway = await _workspace.StartGatewayAsync(registry, $"--Gateway:TlsCertificatePath={server.Certificate}", $"--Gateway:TlsKeyPath={server.Key}");
    }

    public async Task DisposeAsync()
    {
        await _workspace.DisposeAsync();
        await _switching.DisposeAsync();
        _ca.Dispose();
    }

    [Fact]
    public async Task Provider_that_switches_protocols_on_a_call_that_asked_for_no_upgrade_opens_no_tunnel()
    {
        using var client = Client();
        var token = await client.TokenAsync("ws-app");

        // An admitted call, then what would reach the provider unchecked if the connection had switched.
        var answers = await ExchangeOverTlsAsync(
            $"GET /switch/first HTTP/1.1\r\nHost: gateway.test\r\nAuthorization: Bearer {token}\r\n\r\n"
            + "GET /switch/second HTTP/1.1\r\nHost: gateway.test\r\nX-Consumer-Agency: BCA\r\nConnection: close\r\n\r\n");

        Assert.Equal(["502", "401"], Regex.Matches(answers, @"^HTTP/1\.1 (\d{3})", RegexOptions.Multiline).Select(m => m.Groups[1].Value));
        Assert.Contains("urn:ndxp:problem:provider-error", answers, StringComparison.Ordinal);
        Assert.Contains("urn:ndxp:problem:token-missing", answers, StringComparison.Ordinal);
        Assert.DoesNotContain("Upgrade:", answers, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, _switching.Requests);
    }

    [Fact]
    public async Task Http2_websocket_to_a_service_that_declares_none_is_refused_and_never_reaches_the_provider()
    {
        using var client = Client();
        var path = $"/limited/h2-{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Connect, path) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.Protocol = "websocket";
        request.Headers.Authorization = new("Bearer", await client.TokenAsync("ws-app"));
        request.Headers.Add("Sec-WebSocket-Version", "13");

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpVersion.Version20, response.Version);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "upgrade-not-allowed");
        Assert.Equal(0, _workspace.Upstream.ReceivedUnder(path));
    }

    [Fact]
    public async Task Http2_websocket_to_a_declared_service_is_admitted_as_a_get_and_metered_for_its_bytes()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var client = Client();
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + await client.TokenAsync("ws-app"));
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = Trusted } });

        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{_gateway.DataPort}/socket/h2"), invoker, CancellationToken.None);
        var transactionId = socket.HttpResponseHeaders!["X-Transaction-Id"].Single();
        Assert.Equal(SocketEcho.GreetingPrefix + "WS", await SocketEcho.ReadGreetingAsync(socket));
        await SocketEcho.EchoAsync(socket, messages: 10, size: 1000);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        // RFC 8441: the provider's 101 reaches an HTTP/2 caller as a 200 to its CONNECT.
        Assert.Equal(HttpStatusCode.OK, socket.HttpStatusCode);
        var records = await _gateway.StoredRecordsAsync("WS", since, rs => rs.Any(r => r.TransactionId == transactionId));
        var record = Assert.Single(records, r => r.TransactionId == transactionId);
        Assert.Equal((200, "GET", "ws-socket"), (record.Status, record.Method, record.Grant));
        Assert.InRange(record.RequestBytes, 10 * 1000, 2 * 10 * 1000);
        Assert.InRange(record.ResponseBytes, 10 * 1000, 2 * 10 * 1000);
    }

    private bool Trusted(object sender, X509Certificate? presented, X509Chain? chain, SslPolicyErrors errors) => presented?.Issuer == _ca.Subject;

    private HttpClient Client() =>
        new(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = Trusted } }) { BaseAddress = new Uri($"https://127.0.0.1:{_gateway.DataPort}") };

    // Requests sent as written over one HTTP/1.1 connection; everything answered until the gateway closes it.
    private async Task<string> ExchangeOverTlsAsync(string requests)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _gateway.DataPort, cancel.Token);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = Trusted,
        }, cancel.Token);
        await tls.WriteAsync(Encoding.Latin1.GetBytes(requests), cancel.Token);
        using var answers = new MemoryStream();
        try
        {
            await tls.CopyToAsync(answers, cancel.Token);
        }
        catch (IOException)
        {
            // Reset after the last answer.
        }

        return Encoding.UTF8.GetString(answers.ToArray());
    }
}
