using System.Net;
using System.Security.Cryptography;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Identity;

/// <summary>Forged and tampered tokens beyond the foundation's: each refused with 401 and its own stable type.</summary>
[Collection(GatewayCollection.Name)]
public sealed class HostileTokenTests(GatewayFixture gateway) : IDisposable
{
    private const string Citizen = "/population/v1/citizens/001099012345";
    private readonly TokenForge _forge = new(gateway);

    private static readonly string[] CertificateChain = ["MIIBszCCAVmgAwIBAgIU"];
    private static readonly string[] CriticalExtensions = ["exp"];

    public static TheoryData<string, object> KeyHeaders => new()
    {
        { "jku", "https://evil.example/jwks.json" },
        { "x5u", "https://evil.example/cert.pem" },
        { "jwk", new Dictionary<string, string> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = "AAAA", ["y"] = "AAAA" } },
        { "x5c", CertificateChain },
        { "crit", CriticalExtensions },
    };

    [Theory]
    [MemberData(nameof(KeyHeaders))]
    public async Task A_token_whose_header_names_or_carries_keys_is_refused_even_when_signed_with_the_real_key(string header, object value)
    {
        var token = _forge.Signed(headers: new Dictionary<string, object> { [header] = value });

        await AssertRefusedAsync(token, "token-header-forbidden");
    }

    [Theory]
    [InlineData("../../keys/other")]
    [InlineData("/etc/passwd")]
    [InlineData("https://evil.example/key")]
    [InlineData("keys\\\\other")]
    [InlineData("a b")]
    [InlineData("")]
    public async Task A_kid_that_is_a_path_or_url_is_refused(string kid)
    {
        await AssertRefusedAsync(_forge.Signed(kid: kid), "token-header-forbidden");
    }

    [Fact]
    public async Task An_unknown_kid_is_refused_as_a_bad_signature()
    {
        await AssertRefusedAsync(_forge.Signed(kid: "2020-01-01-unknown"), "token-signature-invalid");
    }

    [Fact]
    public async Task An_rs256_token_under_the_real_kid_is_refused()
    {
        await AssertRefusedAsync(_forge.Rs256UnderRealKid(), "token-signature-invalid");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("nOnE")]
    [InlineData("NoNe")]
    public async Task Alg_none_in_any_letter_case_is_refused(string alg)
    {
        await AssertRefusedAsync(_forge.Unsigned(alg), "token-signature-invalid");
    }

    [Fact]
    public async Task A_token_over_the_size_limit_is_refused_unread_and_one_under_it_works()
    {
        var huge = _forge.Signed(extraClaims: new Dictionary<string, object> { ["padding"] = new string('x', 9000) });
        await AssertRefusedAsync(huge, "token-too-large");

        var large = _forge.Signed(extraClaims: new Dictionary<string, object> { ["padding"] = new string('x', 4000) });
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, large, "ekyc");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_validly_signed_token_without_an_agency_claim_is_refused()
    {
        await AssertRefusedAsync(_forge.Signed(withAgency: false), "token-invalid");
    }

    [Fact]
    public async Task Hostile_tokens_are_refused_on_the_admin_plane_too()
    {
        using var anotherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        foreach (var (token, type) in new[]
        {
            (_forge.Signed(clientId: "ops-console", agency: "NDXP", headers: new Dictionary<string, object> { ["jku"] = "https://evil.example/jwks.json" }), "token-header-forbidden"),
            (_forge.Signed(clientId: "ops-console", agency: "NDXP", key: anotherKey), "token-signature-invalid"),
        })
        {
            using var response = await gateway.Admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/usage", token: token);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, type);
        }
    }

    public void Dispose() => _forge.Dispose();

    private async Task AssertRefusedAsync(string token, string type)
    {
        var path = UpstreamPath.Unique("/echo");
        using var response = await gateway.CallAsync(HttpMethod.Get, path, token, "ekyc");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, type);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, gateway.Workspace.Upstream.ReceivedUnder(path));
    }
}
