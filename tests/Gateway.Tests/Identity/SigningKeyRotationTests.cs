using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Identity;

/// <summary>Keys mounted from a folder (as from a secret): the active one signs, a retiring one still validates.</summary>
public sealed class SigningKeyRotationTests : IAsyncLifetime
{
    private const string Citizen = "/population/v1/citizens/001099012345";
    private const string Issuer = "https://gateway.test";
    private readonly ECDsa _oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private GatewayWorkspace _workspace = null!;
    private string _seed = "";

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        var keys = Directory.CreateDirectory(Path.Combine(_workspace.DataDirectory, "keys")).FullName;
        await File.WriteAllTextAsync(Path.Combine(keys, "2026-11-new.pem"), _newKey.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(Path.Combine(keys, "2026-10-old.pem"), _oldKey.ExportPkcs8PrivateKeyPem());
        _seed = await _workspace.WriteSeedAsync(_workspace.Registry);
    }

    [Fact]
    public async Task Active_key_signs_new_tokens_and_tokens_of_the_retiring_key_stay_valid()
    {
        var client = (await _workspace.StartSeededGatewayAsync(
            _seed, "--Identity:ActiveKeyId=2026-11-new", "--Identity:GenerateSigningKeyIfMissing=false", $"--Identity:Issuer={Issuer}")).Data;

        var issued = new JsonWebToken(await client.TokenAsync("vcb-ekyc"));
        using var jwks = JsonDocument.Parse(await client.GetStringAsync("/.well-known/jwks.json"));
        var published = jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).Order(StringComparer.Ordinal).ToArray();
        var byOldKey = TestJwt.Sign(_oldKey, "2026-10-old", Issuer, TestJwt.ClientClaims("vcb-ekyc", "VCB"));

        Assert.Equal("2026-11-new", issued.Kid);
        Assert.Equal(["2026-10-old", "2026-11-new"], published);
        using var withOld = await client.CallAsync(HttpMethod.Get, Citizen, byOldKey, "ekyc");
        using var withNew = await client.CallAsync(HttpMethod.Get, Citizen, issued.EncodedToken, "ekyc");
        Assert.Equal(HttpStatusCode.OK, withOld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
    }

    [Fact]
    public async Task Active_key_id_that_names_no_file_stops_start_up()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _workspace.StartSeededGatewayAsync(_seed, "--Identity:ActiveKeyId=2027-01"));

        Assert.Contains("2027-01", error.Message, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _workspace.DisposeAsync();
        _oldKey.Dispose();
        _newKey.Dispose();
    }
}
