using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.IdentityModel.JsonWebTokens;
using Ndxp.Gateway.Hardening;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>
/// TLS on the public port (1.2+ only, HSTS), certificate-bound tokens (RFC 8705), and mutual TLS from the gateway
/// to a provider that requires it, with the provider's certificate checked against a private CA.
/// </summary>
public sealed class TransportTests : IAsyncLifetime
{
    private const string Citizen = "/population/v1/citizens/001099012345";
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa("NDXP test CA");
    private readonly X509Certificate2 _otherCa = TestCertificates.CreateCa("Someone else's CA");
    private X509Certificate2 _clientCertificate = null!;
    private X509Certificate2 _strangerCertificate = null!;
    private X509Certificate2 _expiredCertificate = null!;
    private X509Certificate2 _gatewayToProvider = null!;
    private GatewayWorkspace _workspace = null!;
    private WebApplication? _provider;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        var directory = _workspace.Directory;
        var server = TestCertificates.WritePem(TestCertificates.CreateLeaf("gateway", _ca, server: true), directory, "gateway");
        _clientCertificate = TestCertificates.CreateLeaf("vcb-bound", issuer: null, server: false);
        _strangerCertificate = TestCertificates.CreateLeaf("stranger", issuer: null, server: false);
        _expiredCertificate = TestCertificates.CreateLeaf("vcb-expired", issuer: null, server: false, notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        using var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var key = ClientAssertions.RegistryKey(ec, "k1");
        _gatewayToProvider = TestCertificates.CreateLeaf("gateway-client", _ca, server: false);
        var gatewayClient = TestCertificates.WritePem(_gatewayToProvider, directory, "gateway-client");
        var caPath = TestCertificates.WritePem(_ca, directory, "ca").Certificate;
        var otherCaPath = TestCertificates.WritePem(_otherCa, directory, "other-ca").Certificate;
        var providerUrl = await StartMutualTlsProviderAsync();

        var registry = _workspace.Registry;
        registry = registry with
        {
            Clients =
            [
                .. registry.Clients,
                new Client { Id = "vcb-bound", Agency = "VCB", SecretHash = TestRegistry.SecretHash, CertificateThumbprint = CertificateBinding.Thumbprint(_clientCertificate) },
                new Client { Id = "vcb-certificate", Agency = "VCB", CertificateThumbprint = CertificateBinding.Thumbprint(_clientCertificate) },
                new Client { Id = "vcb-certificate-and-key", Agency = "VCB", CertificateThumbprint = CertificateBinding.Thumbprint(_clientCertificate), PublicKeys = [key] },
                new Client { Id = "vcb-expired", Agency = "VCB", CertificateThumbprint = CertificateBinding.Thumbprint(_expiredCertificate) },
            ],
            Services =
            [
                .. registry.Services,
                new Service { Id = "mtls", Provider = "BCA", PathPrefix = "/mtls", Destinations = [providerUrl], Tls = new ProviderTls { ClientCertificatePath = gatewayClient.Certificate, ClientKeyPath = gatewayClient.Key, TrustedCaPath = caPath } },
                new Service { Id = "mtls-no-cert", Provider = "BCA", PathPrefix = "/mtls-no-cert", Destinations = [providerUrl], Tls = new ProviderTls { TrustedCaPath = caPath } },
                new Service { Id = "mtls-wrong-ca", Provider = "BCA", PathPrefix = "/mtls-wrong-ca", Destinations = [providerUrl], Tls = new ProviderTls { ClientCertificatePath = gatewayClient.Certificate, ClientKeyPath = gatewayClient.Key, TrustedCaPath = otherCaPath } },
            ],
            Grants =
            [
                .. registry.Grants,
                new Grant { Id = "vcb-mtls", ConsumerAgency = "VCB", Service = "mtls" },
                new Grant { Id = "vcb-mtls-no-cert", ConsumerAgency = "VCB", Service = "mtls-no-cert" },
                new Grant { Id = "vcb-mtls-wrong-ca", ConsumerAgency = "VCB", Service = "mtls-wrong-ca" },
            ],
        };
        _gateway = await _workspace.StartGatewayAsync(registry,
            $"--Gateway:TlsCertificatePath={server.Certificate}", $"--Gateway:TlsKeyPath={server.Key}", "--Gateway:AllowClientCertificates=true");
    }

    public async Task DisposeAsync()
    {
        await _workspace.DisposeAsync();
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        foreach (var certificate in new[] { _ca, _otherCa, _clientCertificate, _strangerCertificate, _expiredCertificate, _gatewayToProvider })
        {
            certificate.Dispose();
        }
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls_12_and_13_are_served_with_hsts(SslProtocols protocol)
    {
        using var client = Client(protocol);
        using var response = await client.CallAsync(HttpMethod.Get, Citizen, await client.TokenAsync("vcb-ekyc"), "ekyc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task Tls_11_and_plain_http_are_refused()
    {
        // The same hello but for its version: TLS 1.2 gets a ServerHello (so the hello is well formed and suits the
        // certificate), TLS 1.1 a protocol_version alert sent by the server itself.
        var modern = await RawTls.HelloAsync(_gateway.DataPort, RawTls.Tls12);
        Assert.True(modern.ContentType == RawTls.HandshakeRecord && modern.FirstBodyByte == RawTls.ServerHelloMessage, $"TLS 1.2 hello answered {modern}");
        var old = await RawTls.HelloAsync(_gateway.DataPort, RawTls.Tls11);
        Assert.True(old.ContentType == RawTls.AlertRecord, $"TLS 1.1 hello answered {old}");
        Assert.True(old.AlertDescription == RawTls.ProtocolVersionAlert, $"TLS 1.1 hello answered {old}");

        var plain = await RawHttp.SendAsync(_gateway.DataPort, RawHttp.Get("/.well-known/jwks.json"));
        Assert.NotEqual(200, plain.Status);
        Assert.DoesNotContain("\"keys\"", plain.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"kty\"", plain.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void The_data_ports_tls_allows_only_tls_12_and_13_whatever_the_platform_allows()
    {
        // OpenSSL 3 at its default security level refuses TLS 1.1 on its own (so the wire test above would pass even
        // if the gateway asked for it): the gateway's own setting is checked here.
        var https = new HttpsConnectionAdapterOptions();
        TransportSecurity.Configure(https, allowClientCertificates: false);

        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, https.SslProtocols);
        Assert.Equal(ClientCertificateMode.NoCertificate, https.ClientCertificateMode);
    }

    [Fact]
    public async Task A_token_obtained_with_a_client_certificate_is_bound_to_it()
    {
        using var withCertificate = Client(certificate: _clientCertificate);
        var token = await withCertificate.TokenAsync("vcb-ekyc");
        Assert.True(new JsonWebToken(token).TryGetPayloadValue<Dictionary<string, object>>("cnf", out var confirmation));
        Assert.Equal(CertificateBinding.Thumbprint(_clientCertificate), confirmation["x5t#S256"]?.ToString());

        using (var ok = await withCertificate.CallAsync(HttpMethod.Get, Citizen, token, "ekyc"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // The same token stolen and replayed without the key, or with another certificate: refused.
        using var without = Client();
        using var stolen = await without.CallAsync(HttpMethod.Get, Citizen, token, "ekyc");
        await ProblemAssert.IsProblemAsync(stolen, HttpStatusCode.Unauthorized, "token-certificate-mismatch");
        using var stranger = Client(certificate: _strangerCertificate);
        using var replayed = await stranger.CallAsync(HttpMethod.Get, Citizen, token, "ekyc");
        await ProblemAssert.IsProblemAsync(replayed, HttpStatusCode.Unauthorized, "token-certificate-mismatch");
        // Every endpoint that takes the token, not only data calls: the agency's own usage report too.
        using (var ownUsage = await withCertificate.CallAsync(HttpMethod.Get, "/usage/v1/me", token))
        {
            Assert.Equal(HttpStatusCode.OK, ownUsage.StatusCode);
        }

        using var stolenUsage = await without.CallAsync(HttpMethod.Get, "/usage/v1/me", token);
        await ProblemAssert.IsProblemAsync(stolenUsage, HttpStatusCode.Unauthorized, "token-certificate-mismatch");

        // A token obtained without a certificate is not bound and works as before.
        using var plainToken = await without.CallAsync(HttpMethod.Get, Citizen, await without.TokenAsync("vcb-ekyc"), "ekyc");
        Assert.Equal(HttpStatusCode.OK, plainToken.StatusCode);
    }

    [Fact]
    public async Task A_client_registered_with_a_thumbprint_gets_tokens_only_with_that_certificate()
    {
        using var without = Client();
        await TokenRefusal.AssertInvalidClientAsync(without, "vcb-bound");
        using var stranger = Client(certificate: _strangerCertificate);
        await TokenRefusal.AssertInvalidClientAsync(stranger, "vcb-bound");

        using var owner = Client(certificate: _clientCertificate);
        using var response = await owner.CallAsync(HttpMethod.Get, Citizen, await owner.TokenAsync("vcb-bound"), "ekyc");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_client_registered_with_only_a_certificate_authenticates_with_it_alone_tls_client_auth()
    {
        using var owner = Client(certificate: _clientCertificate);
        using var issued = await CertificateTokenAsync(owner, "vcb-certificate");
        var body = await issued.Content.ReadAsStringAsync();
        Assert.True(issued.StatusCode == HttpStatusCode.OK, $"{(int)issued.StatusCode}: {body}");
        var token = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
        Assert.True(new JsonWebToken(token).TryGetPayloadValue<Dictionary<string, object>>("cnf", out var confirmation));
        Assert.Equal(CertificateBinding.Thumbprint(_clientCertificate), confirmation["x5t#S256"]?.ToString());
        using (var call = await owner.CallAsync(HttpMethod.Get, Citizen, token, "ekyc"))
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        var failures = await MetricsText.ValueAsync(_gateway.Admin, "ndxp_gateway_client_authentication_failures_total", ("method", "tls_client_auth"), ("reason", "wrong_certificate"));
        using var stranger = Client(certificate: _strangerCertificate);
        using (var wrong = await CertificateTokenAsync(stranger, "vcb-certificate"))
        {
            await TokenRefusal.AssertInvalidClientAsync(wrong);
        }

        Assert.Equal(failures + 1, await MetricsText.ValueAsync(_gateway.Admin, "ndxp_gateway_client_authentication_failures_total", ("method", "tls_client_auth"), ("reason", "wrong_certificate")));

        // No certificate: the client id alone is no credential.
        using var without = Client();
        using (var none = await CertificateTokenAsync(without, "vcb-certificate"))
        {
            await TokenRefusal.AssertInvalidClientAsync(none);
        }

        // A client registered with a secret or a key besides its certificate needs both: the certificate alone is not its credential.
        using var alone = await CertificateTokenAsync(owner, "vcb-bound");
        await TokenRefusal.AssertInvalidClientAsync(alone);
        using var withoutKey = await CertificateTokenAsync(owner, "vcb-certificate-and-key");
        await TokenRefusal.AssertInvalidClientAsync(withoutKey);

        // The pinned certificate itself, past its validity dates: refused however well it matches.
        var expiredFailures = await MetricsText.ValueAsync(_gateway.Admin, "ndxp_gateway_client_authentication_failures_total", ("method", "tls_client_auth"), ("reason", "certificate_expired"));
        using var expiredClient = Client(certificate: _expiredCertificate);
        using var expired = await CertificateTokenAsync(expiredClient, "vcb-expired");
        await TokenRefusal.AssertInvalidClientAsync(expired);
        Assert.Equal(expiredFailures + 1, await MetricsText.ValueAsync(_gateway.Admin, "ndxp_gateway_client_authentication_failures_total", ("method", "tls_client_auth"), ("reason", "certificate_expired")));
    }

    [Fact]
    public async Task Discovery_lists_tls_client_auth_and_certificate_bound_tokens_when_the_data_port_takes_client_certificates()
    {
        using var client = Client();
        using var json = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/.well-known/openid-configuration"));

        var methods = json.RootElement.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("tls_client_auth", methods);
        Assert.Contains("self_signed_tls_client_auth", methods);
        Assert.True(json.RootElement.GetProperty("tls_client_certificate_bound_access_tokens").GetBoolean());
    }

    private static Task<HttpResponseMessage> CertificateTokenAsync(HttpClient client, string clientId) =>
        client.PostAsync("/connect/token", new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_id", clientId)]));

    [Fact]
    public async Task The_gateway_presents_its_client_certificate_to_a_provider_that_requires_one_and_checks_the_providers_ca()
    {
        using var client = Client();
        var token = await client.TokenAsync("vcb-ekyc");

        using var served = await client.CallAsync(HttpMethod.Get, "/mtls/x", token);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("client certificate CN=gateway-client", await served.Content.ReadAsStringAsync());

        using var noCertificate = await client.CallAsync(HttpMethod.Get, "/mtls-no-cert/x", token);
        await ProblemAssert.IsProblemAsync(noCertificate, HttpStatusCode.BadGateway, "provider-error");
        using var untrustedProvider = await client.CallAsync(HttpMethod.Get, "/mtls-wrong-ca/x", token);
        await ProblemAssert.IsProblemAsync(untrustedProvider, HttpStatusCode.BadGateway, "provider-error");
    }

    [Fact]
    public async Task A_service_whose_tls_files_cannot_be_read_fails_alone_and_the_rest_of_the_registry_still_follows_changes()
    {
        using var operatorClient = Client();
        var operatorToken = await operatorClient.TokenAsync("ops-console");
        var missing = Path.Combine(_workspace.Directory, "missing");
        var (admin, adminPort) = (_gateway.Admin, _gateway.AdminPort);
        foreach (var (path, body) in new[]
        {
            ("/admin/v1/services", System.Text.Json.JsonSerializer.Serialize(new
            {
                id = "broken-tls", provider = "BCA", pathPrefix = "/broken-tls", destinations = new[] { $"https://127.0.0.1:{adminPort}" },
                tls = new { clientCertificatePath = missing + ".crt", clientKeyPath = missing + ".key", trustedCaPath = missing + "-ca.crt" },
            })),
            ("/admin/v1/grants", """{"id":"vcb-broken-tls","consumerAgency":"VCB","service":"broken-tls"}"""),
            ("/admin/v1/grants", """{"id":"vcb-enterprise-later","consumerAgency":"VCB","service":"enterprise"}"""),
        })
        {
            using var created = await admin.SendJsonAsync(HttpMethod.Post, path, body, token: operatorToken);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var token = await operatorClient.TokenAsync("vcb-ekyc");
        using var broken = await operatorClient.CallAsync(HttpMethod.Get, "/broken-tls/x", token);
        await ProblemAssert.IsProblemAsync(broken, HttpStatusCode.BadGateway, "provider-error");
        using var others = await operatorClient.CallAsync(HttpMethod.Get, "/mtls/x", token);
        Assert.Equal(HttpStatusCode.OK, others.StatusCode);
        using var later = await operatorClient.CallAsync(HttpMethod.Get, "/enterprise/v1/enterprises/0109999001", token);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    private HttpClient Client(SslProtocols protocols = SslProtocols.None, X509Certificate2? certificate = null)
    {
        var handler = new HttpClientHandler
        {
            SslProtocols = protocols,
            // The test CA is not in the machine's store; the tests trust it for this gateway only.
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Issuer == _ca.Subject,
        };
        if (certificate is not null)
        {
            handler.ClientCertificateOptions = ClientCertificateOption.Manual;
            handler.ClientCertificates.Add(certificate);
        }

        return new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{_gateway.DataPort}") };
    }

    private async Task<string> StartMutualTlsProviderAsync()
    {
        var port = FreePort.Next();
        var serverCertificate = TestCertificates.CreateLeaf("provider", _ca, server: true);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(serverCertificate, https =>
        {
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (presented, _, _) => presented.Issuer == _ca.Subject;
        })));
        _provider = builder.Build();
        _provider.Run(context => context.Response.WriteAsync($"client certificate {context.Connection.ClientCertificate?.Subject}"));
        await _provider.StartAsync();
        return $"https://127.0.0.1:{port}";
    }
}
