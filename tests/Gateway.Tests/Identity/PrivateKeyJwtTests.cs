using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Identity;

/// <summary>
/// private_key_jwt at the token endpoint (RFC 7523, OpenID Connect Core 1.0 section 9): a client signs a short-lived
/// assertion with a key registered through the admin API and gets a token with it; every defective, forged or replayed
/// assertion is a 401 invalid_client, counted by reason.
/// </summary>
[Collection(Collection)]
public sealed class PrivateKeyJwtTests(PrivateKeyJwtTests.Fixture gateway) : IClassFixture<PrivateKeyJwtTests.Fixture>
{
    /// <summary>The private_key_jwt tests, one at a time: they read the process-wide failure counters before and after.</summary>
    public const string Collection = "private_key_jwt";

    private const string Citizen = "/population/v1/citizens/001099012345";
    private const string Evil = "https://evil.example/connect/token";

    [Fact]
    public async Task An_rs256_assertion_gets_a_token_that_calls_a_granted_service()
    {
        var token = await gateway.Data.AssertionTokenAsync(ClientAssertions.Sign(gateway.Rsa, "rsa-1", "pk-bank", gateway.TokenEndpoint));

        Assert.Equal("pk-bank", new JsonWebToken(token).Subject);
        using var call = await gateway.Data.CallAsync(HttpMethod.Get, Citizen, token, "ekyc");
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
    }

    [Fact]
    public async Task An_es256_assertion_gets_a_token_that_calls_a_granted_service()
    {
        var token = await gateway.Data.AssertionTokenAsync(ClientAssertions.Sign(gateway.Ec, "ec-1", "pk-bank", gateway.TokenEndpoint), clientId: "pk-bank");

        Assert.Equal("pk-bank", new JsonWebToken(token).Subject);
        using var call = await gateway.Data.CallAsync(HttpMethod.Get, Citizen, token, "ekyc");
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
    }

    [Fact]
    public async Task An_assertion_without_a_kid_for_the_issuer_as_audience_is_verified_by_the_key_that_fits_it()
    {
        await gateway.Data.AssertionTokenAsync(ClientAssertions.Sign(gateway.Ec, kid: null, "pk-bank", gateway.Issuer));
        await gateway.Data.AssertionTokenAsync(ClientAssertions.Sign(gateway.Rsa, kid: null, "pk-bank", gateway.Issuer, algorithm: SecurityAlgorithms.RsaSsaPssSha256));
    }

    [Theory]
    [InlineData("expired", "assertion_expired")]
    [InlineData("exp_too_far_ahead", "assertion_lifetime_too_long")]
    [InlineData("iat_too_long_before_exp", "assertion_lifetime_too_long")]
    [InlineData("nbf_ahead", "assertion_not_yet_valid")]
    [InlineData("another_audience", "wrong_audience")]
    [InlineData("another_audience_besides_ours", "wrong_audience")]
    [InlineData("unregistered_key_under_a_registered_kid", "bad_signature")]
    [InlineData("unknown_kid", "unknown_key")]
    [InlineData("alg_none", "algorithm_not_allowed")]
    [InlineData("hs256_with_the_public_key_as_secret", "algorithm_not_allowed")]
    [InlineData("rs256_under_the_ec_kid", "algorithm_not_allowed")]
    [InlineData("no_jti", "missing_claims")]
    [InlineData("no_exp", "missing_claims")]
    [InlineData("no_sub", "missing_claims")]
    [InlineData("iss_not_sub", "wrong_issuer")]
    [InlineData("form_client_id_of_another_client", "client_id_mismatch")]
    [InlineData("client_without_keys", "no_keys_registered")]
    [InlineData("not_a_jwt", "malformed_assertion")]
    public async Task A_refused_assertion_is_invalid_client_counted_by_reason(string defect, string reason)
    {
        var (assertion, clientId) = Forge(defect);
        var before = await FailuresAsync(reason);

        using var response = await gateway.Data.AssertionTokenResponseAsync(assertion, clientId);

        var description = await TokenRefusal.AssertInvalidClientAsync(response);
        Assert.Equal("Bearer realm=\"ndxp-gateway\"", response.Headers.WwwAuthenticate.ToString());
        // The description is the gateway's own text: nothing the caller sent comes back.
        Assert.DoesNotContain("evil", description, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before + 1, await FailuresAsync(reason));
    }

    [Fact]
    public async Task The_same_assertion_twice_is_refused_the_second_time_as_a_replay()
    {
        var assertion = ClientAssertions.Sign(gateway.Rsa, "rsa-1", "pk-bank", gateway.TokenEndpoint);
        await gateway.Data.AssertionTokenAsync(assertion);
        var before = await FailuresAsync("assertion_replayed");

        using var replay = await gateway.Data.AssertionTokenResponseAsync(assertion);

        await TokenRefusal.AssertInvalidClientAsync(replay);
        // At least: the cluster tests count replays across replicas in the same process at the same time.
        Assert.True(await FailuresAsync("assertion_replayed") >= before + 1);
        // A new assertion with the same jti is a replay too: the jti is what is remembered, per client.
        var jti = new JsonWebToken(assertion).Id;
        using var sameJti = await gateway.Data.AssertionTokenResponseAsync(
            ClientAssertions.Sign(gateway.Ec, "ec-1", "pk-bank", gateway.TokenEndpoint, claims: new Dictionary<string, object?> { ["jti"] = jti }));
        await TokenRefusal.AssertInvalidClientAsync(sameJti);
    }

    [Fact]
    public async Task A_forged_assertion_does_not_use_up_the_jti_of_a_genuine_one()
    {
        using var attacker = RSA.Create(2048);
        var claims = new Dictionary<string, object?> { ["jti"] = Guid.NewGuid().ToString("N") };
        using var forged = await gateway.Data.AssertionTokenResponseAsync(ClientAssertions.Sign(attacker, "rsa-1", "pk-bank", gateway.TokenEndpoint, claims: claims));
        await TokenRefusal.AssertInvalidClientAsync(forged);

        await gateway.Data.AssertionTokenAsync(ClientAssertions.Sign(gateway.Rsa, "rsa-1", "pk-bank", gateway.TokenEndpoint, claims: claims));
    }

    [Fact]
    public async Task After_a_rotation_the_old_key_works_until_the_overlap_ends_and_is_refused_after()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 15, 12, 0, 0, TimeSpan.Zero));
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var own = await workspace.StartGatewayAsync(clock);
        // Its token endpoint issues tokens of the test clock, which validation refuses: the operator's token is forged.
        using var forge = new TokenForge(workspace.DataDirectory, own.Issuer);
        own.Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forge.Signed(clientId: "ops-console", agency: "NDXP"));
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var newKey = RSA.Create(2048);
        await own.Admin.CreateClientAsync("""{"id":"pk-rotating","agency":"VCB"}""");
        await own.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/clients/pk-rotating/keys", ClientAssertions.Jwk(oldKey, "old"));
        string Assertion(AsymmetricAlgorithm key, string kid) => ClientAssertions.Sign(key, kid, "pk-rotating", own.Issuer + "/connect/token", clock.GetUtcNow());

        await own.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/clients/pk-rotating/keys?overlapMinutes=10", ClientAssertions.Jwk(newKey, "new"));
        clock.Advance(TimeSpan.FromMinutes(9));
        await own.Data.AssertionTokenAsync(Assertion(oldKey, "old"));
        await own.Data.AssertionTokenAsync(Assertion(newKey, "new"));

        clock.Advance(TimeSpan.FromMinutes(2));
        var before = await FailuresAsync("key_expired");
        using var expired = await own.Data.AssertionTokenResponseAsync(Assertion(oldKey, "old"));
        await TokenRefusal.AssertInvalidClientAsync(expired);
        Assert.Equal(before + 1, await FailuresAsync("key_expired"));
        using var unnamed = await own.Data.AssertionTokenResponseAsync(ClientAssertions.Sign(oldKey, null, "pk-rotating", own.Issuer + "/connect/token", clock.GetUtcNow()));
        await TokenRefusal.AssertInvalidClientAsync(unnamed);
        await own.Data.AssertionTokenAsync(Assertion(newKey, "new"));
    }

    private (string Assertion, string? ClientId) Forge(string defect)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Signed(params (string Claim, object? Value)[] claims) =>
            ClientAssertions.Sign(gateway.Rsa, "rsa-1", "pk-bank", gateway.TokenEndpoint, claims: claims.ToDictionary(c => c.Claim, c => c.Value));
        using var attacker = RSA.Create(2048);
        return defect switch
        {
            "expired" => (Signed(("iat", now - 600), ("exp", now - 120)), null),
            "exp_too_far_ahead" => (Signed(("iat", null), ("exp", now + 600)), null),
            "iat_too_long_before_exp" => (Signed(("iat", now - 240), ("exp", now + 120)), null),
            "nbf_ahead" => (Signed(("nbf", now + 120), ("exp", now + 180)), null),
            "another_audience" => (Signed(("aud", Evil)), null),
            "another_audience_besides_ours" => (Signed(("aud", new[] { gateway.TokenEndpoint, Evil })), null),
            "unregistered_key_under_a_registered_kid" => (ClientAssertions.Sign(attacker, "rsa-1", "pk-bank", gateway.TokenEndpoint), null),
            "unknown_kid" => (ClientAssertions.Sign(gateway.Rsa, "evil-kid", "pk-bank", gateway.TokenEndpoint), null),
            "alg_none" => (Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + Base64UrlEncoder.Encode(ClientAssertions.Payload("pk-bank", gateway.TokenEndpoint)) + ".", null),
            "hs256_with_the_public_key_as_secret" => (TokenForge.Hs256(
                new { alg = "HS256", typ = "JWT", kid = "rsa-1" }, ClientAssertions.Payload("pk-bank", gateway.TokenEndpoint), Encoding.UTF8.GetBytes(gateway.Rsa.ExportSubjectPublicKeyInfoPem())), null),
            "rs256_under_the_ec_kid" => (ClientAssertions.Sign(gateway.Rsa, "ec-1", "pk-bank", gateway.TokenEndpoint), null),
            "no_jti" => (Signed(("jti", null)), null),
            "no_exp" => (Signed(("exp", null)), null),
            "no_sub" => (Signed(("sub", null)), null),
            "iss_not_sub" => (Signed(("iss", "evil-issuer")), null),
            "form_client_id_of_another_client" => (Signed(), "vcb-ekyc"),
            "client_without_keys" => (ClientAssertions.Sign(gateway.Rsa, "rsa-1", "vcb-ekyc", gateway.TokenEndpoint), null),
            "not_a_jwt" => ("evil.not-a-jwt", "pk-bank"),
            _ => throw new ArgumentOutOfRangeException(nameof(defect), defect, "no such defect"),
        };
    }

    private Task<double> FailuresAsync(string reason) => ClientAssertions.FailuresAsync(gateway.Admin, reason);

    /// <summary>A gateway whose client <c>pk-bank</c> (of VCB) holds an RSA key <c>rsa-1</c> and an EC P-256 key <c>ec-1</c>.</summary>
    public sealed class Fixture : AdminFixture
    {
        public RSA Rsa { get; } = RSA.Create(2048);

        public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public string TokenEndpoint => Issuer + "/connect/token";

        // Many refusals for one client from one address: no lock-out may cut the tests short.
        protected override string[] Settings =>
            ["--Identity:ClientAuthentication:FailuresPerClient=100000", "--Identity:ClientAuthentication:FailuresPerAddress=100000"];

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await Admin.CreateClientAsync("""{"id":"pk-bank","agency":"VCB"}""");
            await Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/clients/pk-bank/keys",
                $$"""{"keys":[{{ClientAssertions.Jwk(Rsa, "rsa-1")}},{{ClientAssertions.Jwk(Ec, "ec-1")}}]}""");
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            Rsa.Dispose();
            Ec.Dispose();
        }
    }
}

[CollectionDefinition(PrivateKeyJwtTests.Collection)]
public sealed class PrivateKeyJwtCollection;
