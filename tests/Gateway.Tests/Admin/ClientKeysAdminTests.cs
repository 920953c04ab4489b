using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.Tests.Identity;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Admin;

/// <summary>
/// Client public keys for private_key_jwt through the admin API: registered as a JWK, a JWK Set or PEM, shown with the
/// client (public members only), rotated with an overlap, removed; keys the gateway must not trust are refused.
/// </summary>
[Collection(PrivateKeyJwtTests.Collection)]
public sealed class ClientKeysAdminTests(AdminFixture gateway) : IClassFixture<AdminFixture>
{
    [Fact]
    public async Task A_jwk_without_a_kid_is_registered_under_its_rfc7638_thumbprint_and_shown_with_the_client_without_private_parts()
    {
        await gateway.Admin.CreateClientAsync("""{"id":"ck-thumb","agency":"VCB"}""");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = ClientAssertions.Jwk(key);
        var thumbprint = Base64UrlEncoder.Encode(new JsonWebKey(jwk).ComputeJwkThumbprint());

        using var added = await PostKeyAsync("ck-thumb", jwk);

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var shown = Assert.Single(await KeysOfAsync("ck-thumb"));
        Assert.Equal(thumbprint, shown.GetProperty("kid").GetString());
        Assert.Equal("EC", shown.GetProperty("kty").GetString());
        Assert.Equal("P-256", shown.GetProperty("crv").GetString());
        Assert.False(shown.TryGetProperty("d", out _));
        await gateway.Data.AssertionTokenAsync(ClientAssertions.Sign(key, thumbprint, "ck-thumb", gateway.Issuer + "/connect/token"));
    }

    [Fact]
    public async Task A_pem_public_key_and_a_certificate_pem_are_registered_and_verify_assertions()
    {
        await gateway.Admin.CreateClientAsync("""{"id":"ck-pem","agency":"VCB"}""");
        using var rsa = RSA.Create(3072);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var now = DateTimeOffset.UtcNow;
        using var certificate = new CertificateRequest("CN=ck-pem", ec, HashAlgorithmName.SHA384).CreateSelfSigned(now, now.AddYears(1));

        using (var spki = await PostKeyAsync("ck-pem", rsa.ExportSubjectPublicKeyInfoPem(), "application/x-pem-file"))
        {
            Assert.Equal(HttpStatusCode.OK, spki.StatusCode);
        }

        using (var cert = await PostKeyAsync("ck-pem", certificate.ExportCertificatePem(), "application/x-pem-file"))
        {
            Assert.Equal(HttpStatusCode.OK, cert.StatusCode);
        }

        var keys = await KeysOfAsync("ck-pem");
        Assert.Equal("RSA EC", string.Join(' ', keys.Select(k => k.GetProperty("kty").GetString())));
        Assert.Equal("P-384", keys[1].GetProperty("crv").GetString());
        var endpoint = gateway.Issuer + "/connect/token";
        await gateway.Data.AssertionTokenAsync(ClientAssertions.Sign(rsa, keys[0].GetProperty("kid").GetString(), "ck-pem", endpoint));
        await gateway.Data.AssertionTokenAsync(ClientAssertions.Sign(ec, null, "ck-pem", endpoint, algorithm: SecurityAlgorithms.EcdsaSha384));
    }

    [Theory]
    [InlineData("private_jwk", "d")]
    [InlineData("symmetric_jwk", "kty")]
    [InlineData("rsa_1024_jwk", "n")]
    [InlineData("rsa_exponent_1_jwk", "e")]
    [InlineData("p256_point_off_the_curve", "x")]
    [InlineData("pem_that_is_not_base64", "pem")]
    [InlineData("pem_that_is_no_key", "pem")]
    [InlineData("private_key_pem", "pem")]
    [InlineData("pem_on_a_curve_not_accepted", "pem")]
    public async Task A_key_the_gateway_must_not_trust_is_a_client_key_invalid_problem_naming_the_field(string key, string field)
    {
        using var rsa = RSA.Create(key == "rsa_1024_jwk" ? 1024 : 2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (body, contentType) = key switch
        {
            "private_jwk" => (ClientAssertions.Jwk(rsa, "leaked", withPrivateParts: true), "application/json"),
            "symmetric_jwk" => ("""{"kty":"oct","kid":"shared","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQ"}""", "application/jwk+json"),
            "rsa_1024_jwk" => (ClientAssertions.Jwk(rsa, "short"), "application/json"),
            // e = 1: the padded digest is its own signature, so anyone could sign.
            "rsa_exponent_1_jwk" => (ClientAssertions.Jwk(rsa, "forgeable").Replace("\"AQAB\"", "\"AQ\"", StringComparison.Ordinal), "application/json"),
            "p256_point_off_the_curve" => (OffTheCurve(ec), "application/json"),
            "pem_that_is_not_base64" => ("-----BEGIN PUBLIC KEY-----\nnot base64 at all!\n-----END PUBLIC KEY-----\n", "application/x-pem-file"),
            "pem_that_is_no_key" => ("-----BEGIN PUBLIC KEY-----\nAAAAAAAA\n-----END PUBLIC KEY-----\n", "application/x-pem-file"),
            "private_key_pem" => (rsa.ExportPkcs8PrivateKeyPem(), "application/x-pem-file"),
            _ => (BrainpoolPem(), "application/x-pem-file"),
        };
        await gateway.Admin.CreateClientAsync($$"""{"id":"ck-refused-{{key.Replace('_', '-')}}","agency":"VCB"}""");

        using var response = await PostKeyAsync($"ck-refused-{key.Replace('_', '-')}", body, contentType);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "client-key-invalid");
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Empty(await KeysOfAsync($"ck-refused-{key.Replace('_', '-')}"));
    }

    private static string BrainpoolPem()
    {
        using var brainpool = ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1);
        return brainpool.ExportSubjectPublicKeyInfoPem();
    }

    [Fact]
    public async Task Key_changes_for_an_unknown_client_a_taken_kid_a_sixth_key_or_a_stale_etag_are_refused_as_problems()
    {
        using var rsa = RSA.Create(2048);
        using (var unknown = await PostKeyAsync("nobody", ClientAssertions.Jwk(rsa, "k")))
        {
            await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound, "entity-not-found");
        }

        await gateway.Admin.CreateClientAsync("""{"id":"ck-full","agency":"VCB"}""");
        var keys = Enumerable.Range(1, 6).Select(_ => ECDsa.Create(ECCurve.NamedCurves.nistP256)).ToList();
        try
        {
            await gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/clients/ck-full/keys",
                $$"""{"keys":[{{string.Join(",", keys.Take(5).Select((k, i) => ClientAssertions.Jwk(k, $"k{i + 1}")))}}]}""");
            using (var taken = await PostKeyAsync("ck-full", ClientAssertions.Jwk(keys[5], "k1")))
            {
                await ProblemAssert.IsProblemAsync(taken, HttpStatusCode.Conflict, "entity-exists");
            }

            using (var sixth = await PostKeyAsync("ck-full", ClientAssertions.Jwk(keys[5], "k6")))
            {
                var problem = await ProblemAssert.IsProblemAsync(sixth, HttpStatusCode.UnprocessableEntity, "registry-invalid");
                Assert.Equal("publicKeys", problem.GetProperty("errors")[0].GetProperty("field").GetString());
            }
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }

        using (var xml = await PostKeyAsync("ck-full", "<key/>", "application/xml"))
        {
            await ProblemAssert.IsProblemAsync(xml, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        }

        using (var stale = await gateway.Admin.SendJsonAsync(HttpMethod.Delete, "/admin/v1/clients/ck-full/keys/k1", ifMatch: "\"999999\""))
        {
            await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed, "precondition-failed");
        }

        using (var noSuchKey = await gateway.Admin.SendJsonAsync(HttpMethod.Delete, "/admin/v1/clients/ck-full/keys/k9"))
        {
            await ProblemAssert.IsProblemAsync(noSuchKey, HttpStatusCode.NotFound, "entity-not-found");
        }

        Assert.Equal("k1 k2 k3 k4 k5", string.Join(' ', (await KeysOfAsync("ck-full")).Select(k => k.GetProperty("kid").GetString())));
    }

    [Fact]
    public async Task A_deleted_key_verifies_no_assertion_from_then_on()
    {
        await gateway.Admin.CreateClientAsync("""{"id":"ck-deleted","agency":"VCB"}""");
        using var key = RSA.Create(2048);
        await gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/clients/ck-deleted/keys", ClientAssertions.Jwk(key, "gone"));
        var endpoint = gateway.Issuer + "/connect/token";
        await gateway.Data.AssertionTokenAsync(ClientAssertions.Sign(key, "gone", "ck-deleted", endpoint));
        using var read = await gateway.Admin.GetAsync("/admin/v1/clients/ck-deleted");

        using var deleted = await gateway.Admin.SendJsonAsync(HttpMethod.Delete, "/admin/v1/clients/ck-deleted/keys/gone", ifMatch: read.ETag());

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.NotEqual(read.ETag(), deleted.ETag());
        Assert.Empty(await KeysOfAsync("ck-deleted"));
        using var refused = await gateway.Data.AssertionTokenResponseAsync(ClientAssertions.Sign(key, "gone", "ck-deleted", endpoint));
        await TokenRefusal.AssertInvalidClientAsync(refused);
    }

    [Fact]
    public async Task A_client_whose_secret_is_removed_gets_tokens_only_with_its_key()
    {
        var secret = await gateway.Admin.CreateClientAsync("""{"id":"ck-keyonly","agency":"VCB"}""");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/clients/ck-keyonly/keys", ClientAssertions.Jwk(key, "only"));
        Assert.Equal(HttpStatusCode.OK, (await gateway.Data.TokenResponseAsync("ck-keyonly", secret)).StatusCode);

        await gateway.Admin.ChangeAsync(HttpMethod.Delete, "/admin/v1/clients/ck-keyonly/secret");

        await TokenRefusal.AssertInvalidClientAsync(gateway.Data, "ck-keyonly", secret);
        await gateway.Data.AssertionTokenAsync(ClientAssertions.Sign(key, "only", "ck-keyonly", gateway.Issuer + "/connect/token"));
        using var again = await gateway.Admin.SendJsonAsync(HttpMethod.Delete, "/admin/v1/clients/ck-keyonly/secret");
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.NotFound, "entity-not-found");
        var audit = await gateway.Admin.GetStringAsync("/admin/v1/audit?kind=client&id=ck-keyonly&limit=1000");
        Assert.Contains("remove-secret", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rotation_with_an_overlap_ends_the_other_keys_then_and_an_overlap_of_zero_removes_them()
    {
        await gateway.Admin.CreateClientAsync("""{"id":"ck-rotated","agency":"VCB"}""");
        using var first = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var second = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var third = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/clients/ck-rotated/keys", ClientAssertions.Jwk(first, "first"));

        using (var rotated = await PostKeyAsync("ck-rotated", ClientAssertions.Jwk(second, "second"), query: "?overlapMinutes=60"))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }

        var keys = await KeysOfAsync("ck-rotated");
        Assert.InRange(keys[0].GetProperty("validUntil").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.False(keys[1].TryGetProperty("validUntil", out _));

        await gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/clients/ck-rotated/keys?overlapMinutes=0", ClientAssertions.Jwk(third, "third"));

        Assert.Equal("third", Assert.Single(await KeysOfAsync("ck-rotated")).GetProperty("kid").GetString());
    }

    [Fact]
    public async Task Keys_change_only_through_the_keys_endpoints_and_a_put_of_the_client_as_read_keeps_them()
    {
        using var key = RSA.Create(2048);
        using (var created = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients",
            $$"""{"id":"ck-put","agency":"VCB","publicKeys":[{{ClientAssertions.Jwk(key, "smuggled")}}]}"""))
        {
            var problem = await ProblemAssert.IsProblemAsync(created, HttpStatusCode.BadRequest, "invalid-body");
            Assert.Equal("publicKeys", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        }

        await gateway.Admin.CreateClientAsync("""{"id":"ck-put","agency":"VCB"}""");
        await gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/clients/ck-put/keys", ClientAssertions.Jwk(key, "kept"));
        using var read = await gateway.Admin.GetAsync("/admin/v1/clients/ck-put");
        var client = await read.Content.ReadAsStringAsync();

        using (var swapped = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/clients/ck-put", client.Replace("\"kept\"", "\"swapped\"", StringComparison.Ordinal), read.ETag()))
        {
            await ProblemAssert.IsProblemAsync(swapped, HttpStatusCode.BadRequest, "invalid-body");
        }

        await gateway.Admin.ChangeAsync(HttpMethod.Put, "/admin/v1/clients/ck-put", client.Replace("\"agency\"", "\"name\": \"Renamed\", \"agency\"", StringComparison.Ordinal), read.ETag());
        Assert.Equal("kept", Assert.Single(await KeysOfAsync("ck-put")).GetProperty("kid").GetString());
        await gateway.Data.AssertionTokenAsync(ClientAssertions.Sign(key, "kept", "ck-put", gateway.Issuer + "/connect/token"));
    }

    // The point with its y one bit off: the right length, but not on P-256.
    private static string OffTheCurve(ECDsa key)
    {
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        q.Y![^1] ^= 1;
        return JsonSerializer.Serialize(new { kty = "EC", kid = "bent", crv = "P-256", x = Base64UrlEncoder.Encode(q.X), y = Base64UrlEncoder.Encode(q.Y) });
    }

    private async Task<HttpResponseMessage> PostKeyAsync(string clientId, string body, string contentType = "application/json", string query = "")
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        return await gateway.Admin.PostAsync($"/admin/v1/clients/{clientId}/keys{query}", content);
    }

    private async Task<List<JsonElement>> KeysOfAsync(string clientId)
    {
        using var json = JsonDocument.Parse(await gateway.Admin.GetStringAsync($"/admin/v1/clients/{clientId}"));
        return json.RootElement.GetProperty("publicKeys").EnumerateArray().Select(k => k.Clone()).ToList();
    }
}
