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

/// <summary>Keys mounted from a folder (as from a secret): the active one signs, a retiring one still validates.</summary>
public sealed class SigningKeyRotationTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-keys-test-").FullName;
    private readonly ECDsa _oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly int _dataPort = FreePort.Next();
    private WebApplication? _providers;
    private string _seed = "";

    public async Task InitializeAsync()
    {
        var keys = Directory.CreateDirectory(Path.Combine(_directory, "data", "keys")).FullName;
        await File.WriteAllTextAsync(Path.Combine(keys, "2026-11-new.pem"), _newKey.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(Path.Combine(keys, "2026-10-old.pem"), _oldKey.ExportPkcs8PrivateKeyPem());
        var providersUrl = $"http://127.0.0.1:{FreePort.Next()}";
        _providers = DemoProviderApp.Build([], providersUrl);
        await _providers.StartAsync();
        _seed = Path.Combine(_directory, "registry.json");
        await File.WriteAllTextAsync(_seed, JsonSerializer.Serialize(TestRegistry.Build(providersUrl, providersUrl, providersUrl), RegistryJson.Options));
    }

    [Fact]
    public async Task Active_key_signs_new_tokens_and_tokens_of_the_retiring_key_stay_valid()
    {
        await using var gateway = await StartAsync("--Identity:ActiveKeyId=2026-11-new", "--Identity:GenerateSigningKeyIfMissing=false");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_dataPort}") };

        using var tokenResponse = await client.PostAsync("/connect/token", new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", "vcb-ekyc"), new("client_secret", TestRegistry.Secret)]));
        using var tokenJson = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());
        var issued = new JsonWebToken(tokenJson.RootElement.GetProperty("access_token").GetString());
        using var jwks = JsonDocument.Parse(await client.GetStringAsync("/.well-known/jwks.json"));
        var published = jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal("2026-11-new", issued.Kid);
        Assert.Equal(["2026-10-old", "2026-11-new"], published);
        using var withOld = await CallAsync(client, Sign(_oldKey, "2026-10-old"));
        using var withNew = await CallAsync(client, issued.EncodedToken);
        Assert.Equal(HttpStatusCode.OK, withOld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
    }

    [Fact]
    public async Task Active_key_id_that_names_no_file_stops_start_up()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync("--Identity:ActiveKeyId=2027-01"));

        Assert.Contains("2027-01", error.Message, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (_providers is not null)
        {
            await _providers.DisposeAsync();
        }

        _oldKey.Dispose();
        _newKey.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<WebApplication> StartAsync(params string[] extra)
    {
        var app = await GatewayApplication.CreateAsync(
            [.. GatewayFixture.GatewayArgs(_dataPort, FreePort.Next(), Path.Combine(_directory, "data"), _seed), .. extra]);
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpResponseMessage> CallAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/population/v1/citizens/001099012345");
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("X-Purpose", "ekyc");
        return await client.SendAsync(request);
    }

    private string Sign(ECDsa key, string kid) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = $"http://localhost:{_dataPort}",
        Audience = "ndxp-gateway",
        Expires = DateTime.UtcNow.AddMinutes(5),
        Claims = new Dictionary<string, object> { ["sub"] = "vcb-ekyc", ["client_id"] = "vcb-ekyc", ["agency"] = "VCB" },
        SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256),
    });
}
