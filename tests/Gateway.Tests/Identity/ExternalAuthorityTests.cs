using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.DemoProviders;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Identity;

/// <summary>Tokens of an external OIDC authority (its keys read from its discovery document) are accepted beside the gateway's own.</summary>
public sealed class ExternalAuthorityTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-external-test-").FullName;
    private readonly ECDsa _authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _authorityUrl = $"http://127.0.0.1:{FreePort.Next()}";
    private readonly int _dataPort = FreePort.Next();
    private WebApplication? _authority;
    private WebApplication? _providers;
    private WebApplication? _gateway;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _authority = StartAuthority();
        await _authority.StartAsync();
        var providersUrl = $"http://127.0.0.1:{FreePort.Next()}";
        _providers = DemoProviderApp.Build([], providersUrl);
        await _providers.StartAsync();

        var testRegistry = TestRegistry.Build(providersUrl, providersUrl, providersUrl);
        // A client whose tokens come from the external authority: registered, but with no secret at the gateway.
        var registry = testRegistry with { Clients = [.. testRegistry.Clients, new Client { Id = "vneid-bank-app", Agency = "VCB" }] };
        var seed = Path.Combine(_directory, "registry.json");
        await File.WriteAllTextAsync(seed, JsonSerializer.Serialize(registry, RegistryJson.Options));

        _gateway = await GatewayApplication.CreateAsync(
        [
            .. GatewayFixture.GatewayArgs(_dataPort, FreePort.Next(), Path.Combine(_directory, "data"), seed),
            "--Identity:ExternalAuthorities:0:Name=national-idp",
            $"--Identity:ExternalAuthorities:0:Authority={_authorityUrl}",
            "--Identity:ExternalAuthorities:0:Audience=ndxp-gateway",
            "--Identity:ExternalAuthorities:0:AgencyClaim=org",
            "--Identity:ExternalAuthorities:0:ClientClaim=azp",
            "--Identity:ExternalAuthorities:0:RequireHttpsMetadata=false",
        ]);
        await _gateway.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_dataPort}") };
    }

    [Fact]
    public async Task Token_of_the_external_authority_is_accepted_with_its_claims_mapped()
    {
        using var response = await CallAsync(ExternalToken(_authorityKey, agency: "VCB", client: "vneid-bank-app"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"agency\":\"VCB\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_claiming_the_external_issuer_but_signed_by_another_key_is_refused()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var response = await CallAsync(ExternalToken(other, agency: "VCB", client: "vneid-bank-app"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-signature-invalid");
    }

    [Fact]
    public async Task External_token_for_a_client_the_registry_does_not_know_is_refused()
    {
        using var response = await CallAsync(ExternalToken(_authorityKey, agency: "VCB", client: "unregistered-app"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "client-unknown");
    }

    [Fact]
    public async Task The_gateways_own_tokens_still_work_beside_the_external_authority()
    {
        using var tokenResponse = await _client.PostAsync("/connect/token", new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", "vcb-ekyc"), new("client_secret", TestRegistry.Secret)]));
        using var json = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());

        using var response = await CallAsync(json.RootElement.GetProperty("access_token").GetString()!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        foreach (var app in new[] { _gateway, _providers, _authority })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        _authorityKey.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<HttpResponseMessage> CallAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/population/v1/citizens/001099012345");
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("X-Purpose", "ekyc");
        return await _client.SendAsync(request);
    }

    private string ExternalToken(ECDsa key, string agency, string client) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = _authorityUrl,
        Audience = "ndxp-gateway",
        Expires = DateTime.UtcNow.AddMinutes(5),
        Claims = new Dictionary<string, object> { ["sub"] = "someone", ["org"] = agency, ["azp"] = client },
        SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = "idp-1" }, SecurityAlgorithms.EcdsaSha256),
    });

    private WebApplication StartAuthority()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(_authorityUrl);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var p = _authorityKey.ExportParameters(includePrivateParameters: false);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = _authorityUrl,
            ["jwks_uri"] = _authorityUrl + "/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "ES256" },
        }));
        app.MapGet("/jwks", () => Results.Json(new
        {
            keys = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "EC", ["crv"] = "P-256", ["kid"] = "idp-1", ["use"] = "sig", ["alg"] = "ES256",
                    ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
                },
            },
        }));
        return app;
    }
}
