using System.Net;
using System.Security.Cryptography;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Identity;

[Collection(GatewayCollection.Name)]
public sealed class AuthenticationTests(GatewayFixture gateway) : IDisposable
{
    private const string Citizen = "/population/v1/citizens/001099012345";
    private const int Calls = 20;
    private readonly TokenForge _forge = new(gateway);

    [Fact]
    public async Task Call_without_token_is_refused_with_token_missing()
    {
        using var response = await RefusedAsync(null, "token-missing");
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.!!!.###")]
    public async Task Malformed_token_is_refused(string token)
    {
        using var response = await RefusedAsync(token, "token-malformed");
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_signed_with_another_key_under_the_real_kid_is_refused()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var response = await RefusedAsync(_forge.Signed(key: otherKey), "token-signature-invalid");
    }

    [Fact]
    public async Task Expired_token_is_refused_even_with_a_valid_signature()
    {
        using var response = await RefusedAsync(_forge.Signed(expires: DateTime.UtcNow.AddMinutes(-5)), "token-expired");
    }

    // The gateway allows Identity:ClockSkew (30 s) between its clock and the issuer's, on both ends of a lifetime.
    [Fact]
    public async Task Token_not_yet_valid_beyond_the_clock_skew_is_refused_and_within_it_accepted()
    {
        var now = DateTime.UtcNow;
        using var early = await RefusedAsync(_forge.Signed(notBefore: now.AddSeconds(90), issuedAt: now.AddSeconds(90)), "token-invalid");

        var path = UpstreamPath.Unique("/echo");
        using var slightlyEarly = await gateway.CallAsync(HttpMethod.Get, path, _forge.Signed(notBefore: now.AddSeconds(10), issuedAt: now.AddSeconds(10)), "ekyc");
        Assert.Equal(HttpStatusCode.OK, slightlyEarly.StatusCode);
    }

    [Fact]
    public async Task Token_expired_within_the_clock_skew_is_accepted_and_beyond_it_refused_as_expired()
    {
        var now = DateTime.UtcNow;
        var path = UpstreamPath.Unique("/echo");
        using var justExpired = await gateway.CallAsync(HttpMethod.Get, path, _forge.Signed(expires: now.AddSeconds(-10)), "ekyc");
        Assert.Equal(HttpStatusCode.OK, justExpired.StatusCode);

        using var expired = await RefusedAsync(_forge.Signed(expires: now.AddSeconds(-90)), "token-expired");
    }

    [Fact]
    public async Task Without_clock_skew_a_token_is_refused_seconds_after_exp_and_seconds_before_nbf()
    {
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var strict = await workspace.StartGatewayAsync("--Identity:ClockSkew=00:00:00");
        using var forge = new TokenForge(workspace.DataDirectory, strict.Issuer);
        var now = DateTime.UtcNow;
        async Task<HttpResponseMessage> CallAsync(string token) => await strict.Data.CallAsync(HttpMethod.Get, Citizen, token, "ekyc");

        using var expired = await CallAsync(forge.Signed(expires: now.AddSeconds(-5)));
        await ProblemAssert.IsProblemAsync(expired, HttpStatusCode.Unauthorized, "token-expired");
        using var early = await CallAsync(forge.Signed(notBefore: now.AddSeconds(10), issuedAt: now.AddSeconds(10)));
        await ProblemAssert.IsProblemAsync(early, HttpStatusCode.Unauthorized, "token-invalid");
        using var current = await CallAsync(forge.Signed());
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    [Fact]
    public async Task Token_from_another_issuer_is_refused()
    {
        using var response = await RefusedAsync(_forge.Signed(issuer: "https://evil.example"), "token-issuer-invalid");
    }

    [Fact]
    public async Task Token_for_another_audience_is_refused()
    {
        using var response = await RefusedAsync(_forge.Signed(audience: "some-other-api"), "token-audience-invalid");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    public async Task Unsigned_token_is_refused(string alg)
    {
        using var response = await RefusedAsync(_forge.Unsigned(alg), "token-signature-invalid");
    }

    [Fact]
    public async Task Hs256_token_keyed_with_the_public_key_is_refused()
    {
        using var response = await RefusedAsync(_forge.Hs256WithPublicKey(), "token-signature-invalid");
    }

    [Fact]
    public async Task Valid_token_without_an_agency_claim_is_refused()
    {
        using var response = await RefusedAsync(_forge.Signed(withAgency: false), "token-invalid");
    }

    [Fact]
    public async Task Token_for_a_client_not_in_the_registry_is_refused()
    {
        using var response = await RefusedAsync(_forge.Signed(clientId: "ghost", agency: "VCB"), "client-unknown");
    }

    [Fact]
    public async Task Token_claiming_another_agency_than_the_clients_is_refused()
    {
        using var response = await RefusedAsync(_forge.Signed(clientId: "viettel-sim", agency: "VCB"), "client-unknown");
    }

    [Fact]
    public async Task Forged_token_signed_with_the_real_key_is_accepted_so_the_refusals_above_test_one_thing_each()
    {
        var path = UpstreamPath.Unique("/echo");
        using var response = await gateway.CallAsync(HttpMethod.Get, path, _forge.Signed(), "ekyc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, gateway.Workspace.Upstream.ReceivedUnder(path));
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData(0, Calls)]
    public async Task The_signature_of_a_reused_token_is_checked_once_unless_the_cache_is_off(int? cacheSize, int expectedVerifications)
    {
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var settings = cacheSize is { } size ? new[] { $"--Identity:ValidatedTokenCacheSize={size}" } : [];
        var own = await workspace.StartGatewayAsync(settings);
        var token = await own.Data.TokenAsync("vcb-ekyc");
        var counting = new CountingCryptoProviderFactory();
        foreach (var key in own.Services.GetRequiredService<SigningKeyRing>().Keys)
        {
            key.CryptoProviderFactory = counting;
        }

        for (var i = 0; i < Calls; i++)
        {
            using var response = await own.Data.CallAsync(HttpMethod.Get, Citizen, token, "ekyc");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(expectedVerifications, counting.Verifiers);
    }

    public void Dispose() => _forge.Dispose();

    // A refused call to a path of its own under the test upstream: refused with the type, and never forwarded.
    private async Task<HttpResponseMessage> RefusedAsync(string? token, string type)
    {
        var path = UpstreamPath.Unique("/echo");
        var response = await gateway.CallAsync(HttpMethod.Get, path, token, "ekyc");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, type);
        Assert.Equal(0, gateway.Workspace.Upstream.ReceivedUnder(path));
        return response;
    }
}
