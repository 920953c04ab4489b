using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.DemoProviders.CitizenIdentity;
using Ndxp.Gateway.DemoProviders.Population;

namespace Ndxp.Gateway.Tests.DemoProviders;

public sealed class DemoCitizenIdentityTests(DemoProvidersServer server) : IClassFixture<DemoProvidersServer>
{
    private const string OtherPersonalId = "079203000001";

    private readonly HttpClient _client = server.Client;
    private readonly string _issuer = DemoCitizenIdentity.IssuerFor(server.Url);

    [Fact]
    public async Task Token_for_a_well_formed_personal_id_validates_against_the_keys_named_by_discovery()
    {
        // What the gateway's JwtBearer does with Authority = issuer and RequireHttpsMetadata = false.
        var configuration = await new ConfigurationManager<OpenIdConnectConfiguration>(
                _issuer + "/.well-known/openid-configuration",
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = false })
            .GetConfigurationAsync(CancellationToken.None);
        var token = await IssueAsync(CitizenDirectory.WellKnownId);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = _issuer,
            ValidAudience = DemoCitizenIdentity.Audience,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(_issuer, configuration.Issuer);
        Assert.Equal(_issuer + "/jwks.json", configuration.JwksUri);
        Assert.Equal(_issuer + "/token", configuration.TokenEndpoint);
        Assert.Equal([SecurityAlgorithms.EcdsaSha256], configuration.IdTokenSigningAlgValuesSupported);
        Assert.Equal(CitizenDirectory.WellKnownId, result.Claims[DemoCitizenIdentity.PersonalIdClaim]);
    }

    [Fact]
    public async Task Token_names_the_citizen_in_personal_id_for_ten_minutes_and_is_marked_demo()
    {
        using var response = await PostFormAsync(new() { ["personal_id"] = CitizenDirectory.WellKnownId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var token = new JsonWebToken(answer.RootElement.GetProperty("access_token").GetString());

        Assert.Equal("Bearer", answer.RootElement.GetProperty("token_type").GetString());
        Assert.Equal(600, answer.RootElement.GetProperty("expires_in").GetInt32());
        Assert.True(answer.RootElement.GetProperty("demo").GetBoolean());
        Assert.Equal("ES256", token.Alg);
        Assert.Equal(_issuer, token.Issuer);
        Assert.Equal([DemoCitizenIdentity.Audience], token.Audiences);
        Assert.Equal(CitizenDirectory.WellKnownId, token.GetClaim(DemoCitizenIdentity.PersonalIdClaim).Value);
        Assert.Equal(token.IssuedAt, token.ValidFrom);
        Assert.Equal(TimeSpan.FromMinutes(10), token.ValidTo - token.IssuedAt);
        Assert.InRange(token.IssuedAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.True(token.GetPayloadValue<bool>("demo"));
    }

    [Fact]
    public async Task Subject_is_an_opaque_id_one_per_citizen_never_the_personal_id()
    {
        var first = new JsonWebToken(await IssueAsync(CitizenDirectory.WellKnownId));
        var again = new JsonWebToken(await IssueAsync(CitizenDirectory.WellKnownId));
        var other = new JsonWebToken(await IssueAsync(OtherPersonalId));

        Assert.False(string.IsNullOrEmpty(first.Subject));
        Assert.DoesNotContain(CitizenDirectory.WellKnownId, first.Subject, StringComparison.Ordinal);
        Assert.Equal(first.Subject, again.Subject);
        Assert.NotEqual(first.Id, again.Id);
        Assert.NotEqual(first.Subject, other.Subject);
    }

    [Theory]
    [InlineData("personal_id", "12345")]
    [InlineData("personal_id", "00109901234a")]
    [InlineData("personal_id", "0010990123456")]
    [InlineData("personal_id", "")]
    [InlineData("citizen", "001099012345")]
    public async Task Malformed_or_missing_personal_id_is_a_400_problem(string field, string value)
    {
        using var response = await PostFormAsync(new() { [field] = value });

        await DemoProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-identifier");
    }

    [Fact]
    public async Task Personal_id_given_twice_is_a_400_problem()
    {
        using var content = new FormUrlEncodedContent([new("personal_id", CitizenDirectory.WellKnownId), new("personal_id", OtherPersonalId)]);
        using var response = await _client.PostAsync(DemoCitizenIdentity.PathBase + "/token", content);

        await DemoProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-identifier");
    }

    [Theory]
    [InlineData("application/json", "{\"personal_id\":\"001099012345\"}")]
    [InlineData("multipart/form-data; boundary=x", "garbage")]
    [InlineData("text/plain", "personal_id=001099012345")]
    public async Task A_body_that_is_not_a_url_encoded_form_is_a_415_problem(string mediaType, string body)
    {
        using var content = new StringContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(mediaType);
        using var response = await _client.PostAsync(DemoCitizenIdentity.PathBase + "/token", content);

        await DemoProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task An_oversized_form_is_a_413_problem()
    {
        using var response = await PostFormAsync(new() { ["personal_id"] = CitizenDirectory.WellKnownId, ["padding"] = new string('x', 4096) });

        await DemoProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "unreadable-form");
    }

    [Fact]
    public async Task Key_set_publishes_only_the_public_P256_key_and_is_marked_demo()
    {
        using var discovery = JsonDocument.Parse(await _client.GetStringAsync(DemoCitizenIdentity.PathBase + "/.well-known/openid-configuration"));
        using var jwks = JsonDocument.Parse(await _client.GetStringAsync(discovery.RootElement.GetProperty("jwks_uri").GetString()));
        var key = Assert.Single(jwks.RootElement.GetProperty("keys").EnumerateArray());

        Assert.True(discovery.RootElement.GetProperty("demo").GetBoolean());
        Assert.True(jwks.RootElement.GetProperty("demo").GetBoolean());
        Assert.Equal(
            ["alg", "crv", "kid", "kty", "use", "x", "y"],
            key.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.Equal(key.GetProperty("kid").GetString(), new JsonWebToken(await IssueAsync(CitizenDirectory.WellKnownId)).Kid);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5100")]
    [InlineData("http://127.0.0.1:5100/")]
    public void Issuer_is_the_providers_url_plus_the_path_base(string providersUrl) =>
        Assert.Equal("http://127.0.0.1:5100/demo-id", DemoCitizenIdentity.IssuerFor(providersUrl));

    private async Task<string> IssueAsync(string personalId)
    {
        using var response = await PostFormAsync(new() { ["personal_id"] = personalId });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var answer = JsonDocument.Parse(body);
        return answer.RootElement.GetProperty("access_token").GetString()!;
    }

    private async Task<HttpResponseMessage> PostFormAsync(Dictionary<string, string> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        return await _client.PostAsync(DemoCitizenIdentity.PathBase + "/token", content);
    }
}
