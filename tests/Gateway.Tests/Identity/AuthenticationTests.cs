using System.Net;
using System.Security.Cryptography;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Identity;

[Collection(GatewayCollection.Name)]
public sealed class AuthenticationTests(GatewayFixture gateway) : IDisposable
{
    private const string Citizen = "/population/v1/citizens/001099012345";
    private readonly TokenForge _forge = new(gateway);

    [Fact]
    public async Task Call_without_token_is_refused_with_token_missing()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, token: null, purpose: "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-missing");
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.!!!.###")]
    public async Task Malformed_token_is_refused(string token)
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, token, "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-malformed");
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_signed_with_another_key_under_the_real_kid_is_refused()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, _forge.Signed(key: otherKey), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-signature-invalid");
    }

    [Fact]
    public async Task Expired_token_is_refused_even_with_a_valid_signature()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, _forge.Signed(expires: DateTime.UtcNow.AddMinutes(-5)), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-expired");
    }

    [Fact]
    public async Task Token_from_another_issuer_is_refused()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, _forge.Signed(issuer: "https://evil.example"), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-issuer-invalid");
    }

    [Fact]
    public async Task Token_for_another_audience_is_refused()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, _forge.Signed(audience: "some-other-api"), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-audience-invalid");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    public async Task Unsigned_token_is_refused(string alg)
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, _forge.Unsigned(alg), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-signature-invalid");
    }

    [Fact]
    public async Task Hs256_token_keyed_with_the_public_key_is_refused()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, _forge.Hs256WithPublicKey(), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-signature-invalid");
    }

    [Fact]
    public async Task Valid_token_without_an_agency_claim_is_refused()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, _forge.Signed(withAgency: false), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-invalid");
    }

    [Fact]
    public async Task Token_for_a_client_not_in_the_registry_is_refused()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, _forge.Signed(clientId: "ghost", agency: "VCB"), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "client-unknown");
    }

    [Fact]
    public async Task Token_claiming_another_agency_than_the_clients_is_refused()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, _forge.Signed(clientId: "viettel-sim", agency: "VCB"), "ekyc");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "client-unknown");
    }

    [Fact]
    public async Task Forged_token_signed_with_the_real_key_is_accepted_so_the_refusals_above_test_one_thing_each()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, _forge.Signed(), "ekyc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Same_token_keeps_working_across_many_calls()
    {
        var token = await gateway.TokenAsync("vcb-ekyc");
        for (var i = 0; i < 20; i++)
        {
            using var response = await gateway.CallAsync(HttpMethod.Get, Citizen, token, "ekyc");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    public void Dispose() => _forge.Dispose();
}
