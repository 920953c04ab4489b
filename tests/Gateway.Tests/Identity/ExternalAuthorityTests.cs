using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Identity;

/// <summary>Tokens of an external OIDC authority (its keys read from its discovery document) are accepted beside the gateway's own.</summary>
public sealed class ExternalAuthorityTests : IAsyncLifetime
{
    private const string Citizen = "/population/v1/citizens/001099012345";
    private static readonly string[] SigningAlgorithms = ["ES256"];
    private readonly ECDsa _authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _authorityUrl = $"http://127.0.0.1:{FreePort.Next()}";
    private WebApplication? _authority;
    private GatewayWorkspace _workspace = null!;
    private HttpClient _client = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _authority = BuildAuthority();
        await _authority.StartAsync();
        _workspace = await GatewayWorkspace.CreateAsync();

        // Clients whose tokens come from the external authority: registered, but with no secret at the gateway.
        var registry = _workspace.Registry with
        {
            Clients = [.. _workspace.Registry.Clients, new Client { Id = "vneid-bank-app", Agency = "VCB" }, new Client { Id = "vneid-ops", Agency = "NDXP" }],
        };
        var gateway = await _workspace.StartGatewayAsync(
            registry,
            "--Identity:ExternalAuthorities:0:Name=national-idp",
            $"--Identity:ExternalAuthorities:0:Authority={_authorityUrl}",
            "--Identity:ExternalAuthorities:0:Audience=ndxp-gateway",
            "--Identity:ExternalAuthorities:0:AgencyClaim=org",
            "--Identity:ExternalAuthorities:0:ClientClaim=azp",
            "--Identity:ExternalAuthorities:0:OperatorScope=ndxp.operator",
            "--Identity:ExternalAuthorities:0:RequireHttpsMetadata=false");
        (_client, _admin) = (gateway.Data, gateway.Admin);
    }

    [Fact]
    public async Task The_authoritys_operator_scope_opens_the_admin_api_and_the_audit_names_the_person()
    {
        var withScope = ExternalToken(_authorityKey, client: "vneid-ops", org: "NDXP", scope: "openid ndxp.operator");
        using var created = await _admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants", """{"id":"sso-made","consumerAgency":"HNI","service":"enterprise"}""", token: withScope);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var audit = await _admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/audit?kind=grant&id=sso-made", token: withScope);
        Assert.Contains("\"actor\":\"vneid-ops:someone\"", await audit.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Without the scope, or with the gateway's internal claim forged into the token, it is a consumer.
        var withoutScope = ExternalToken(_authorityKey, client: "vneid-ops", org: "NDXP", scope: "openid");
        var forged = TestJwt.Sign(_authorityKey, "idp-1", _authorityUrl, new Dictionary<string, object>
        {
            ["sub"] = "someone", ["org"] = "NDXP", ["azp"] = "vneid-ops", [Ndxp.Gateway.Identity.GatewayClaims.ExternalOperator] = "true",
        });
        foreach (var token in new[] { withoutScope, forged })
        {
            using var refused = await _admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/grants", token: token);
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "operator-role-required");
        }
    }

    [Fact]
    public async Task Token_of_the_external_authority_is_accepted_with_its_claims_mapped()
    {
        using var response = await _client.CallAsync(HttpMethod.Get, Citizen, ExternalToken(_authorityKey, client: "vneid-bank-app"), "ekyc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The provider was told the agency from the "org" claim and the client from "azp".
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var servedTo = json.RootElement.GetProperty("servedTo");
        Assert.Equal("VCB", servedTo.GetProperty("agency").GetString());
        Assert.Equal("vneid-bank-app", servedTo.GetProperty("client").GetString());
    }

    [Fact]
    public async Task Token_claiming_the_external_issuer_but_signed_by_another_key_is_refused()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var response = await _client.CallAsync(HttpMethod.Get, Citizen, ExternalToken(other, client: "vneid-bank-app"), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-signature-invalid");
    }

    [Fact]
    public async Task External_token_for_a_client_the_registry_does_not_know_is_refused()
    {
        using var response = await _client.CallAsync(HttpMethod.Get, Citizen, ExternalToken(_authorityKey, client: "unregistered-app"), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "client-unknown");
    }

    [Fact]
    public async Task The_gateways_own_tokens_still_work_beside_the_external_authority()
    {
        using var response = await _client.CallAsync(HttpMethod.Get, Citizen, await _client.TokenAsync("vcb-ekyc"), "ekyc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _workspace.DisposeAsync();
        if (_authority is not null)
        {
            await _authority.DisposeAsync();
        }

        _authorityKey.Dispose();
    }

    private string ExternalToken(ECDsa key, string client, string org = "VCB", string? scope = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "someone", ["org"] = org, ["azp"] = client };
        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        return TestJwt.Sign(key, "idp-1", _authorityUrl, claims);
    }

    private WebApplication BuildAuthority()
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
            ["id_token_signing_alg_values_supported"] = SigningAlgorithms,
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
