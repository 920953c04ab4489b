using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Identity;

[Collection(GatewayCollection.Name)]
public sealed class TokenEndpointTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Client_secret_basic_gets_a_short_lived_signed_token_with_the_agency_claim()
    {
        using var response = await PostAsync([new("grant_type", "client_credentials")], basic: ("vcb-ekyc", TestRegistry.Secret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Bearer", json.RootElement.GetProperty("token_type").GetString());
        Assert.Equal(300, json.RootElement.GetProperty("expires_in").GetInt32());

        var token = new JsonWebToken(json.RootElement.GetProperty("access_token").GetString());
        Assert.Equal("ES256", token.Alg);
        Assert.Equal(gateway.Issuer, token.Issuer);
        Assert.Equal("ndxp-gateway", Assert.Single(token.Audiences));
        Assert.Equal("vcb-ekyc", token.Subject);
        Assert.Equal("VCB", token.GetClaim("agency").Value);
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.InRange((token.ValidTo - token.IssuedAt).TotalSeconds, 299, 301);

        var jwks = JsonDocument.Parse(await gateway.Data.GetStringAsync("/.well-known/jwks.json"));
        var kids = jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString());
        Assert.Contains(token.Kid, kids);
        Assert.DoesNotContain(jwks.RootElement.GetProperty("keys").EnumerateArray(), k => k.TryGetProperty("d", out _));
    }

    [Fact]
    public async Task Client_secret_post_gets_a_token()
    {
        using var response = await PostAsync(
            [new("grant_type", "client_credentials"), new("client_id", "viettel-sim"), new("client_secret", TestRegistry.Secret)]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Bearer", json.RootElement.GetProperty("token_type").GetString());
        var token = new JsonWebToken(json.RootElement.GetProperty("access_token").GetString());
        Assert.Equal("viettel-sim", token.GetClaim("client_id").Value);
        Assert.Equal("viettel-sim", token.Subject);
        Assert.Equal("VIETTEL", token.GetClaim("agency").Value);
    }

    [Fact]
    public async Task Wrong_secret_is_invalid_client_with_401_and_a_basic_challenge()
    {
        using var response = await PostAsync([new("grant_type", "client_credentials")], basic: ("vcb-ekyc", "wrong"));

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
        Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_client_is_invalid_client()
    {
        using var response = await PostAsync(
            [new("grant_type", "client_credentials"), new("client_id", "nobody"), new("client_secret", "x")]);

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Missing_credentials_are_invalid_client()
    {
        using var response = await PostAsync([new("grant_type", "client_credentials")]);

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Other_grant_types_are_unsupported()
    {
        using var response = await PostAsync([new("grant_type", "password"), new("username", "a"), new("password", "b")], basic: ("vcb-ekyc", TestRegistry.Secret));

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_grant_type");
    }

    [Fact]
    public async Task Missing_grant_type_is_invalid_request()
    {
        using var response = await PostAsync([], basic: ("vcb-ekyc", TestRegistry.Secret));

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Two_authentication_methods_at_once_are_invalid_request()
    {
        using var response = await PostAsync(
            [new("grant_type", "client_credentials"), new("client_secret", TestRegistry.Secret)], basic: ("vcb-ekyc", TestRegistry.Secret));

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Json_body_is_invalid_request()
    {
        using var content = new StringContent("{\"grant_type\":\"client_credentials\"}", Encoding.UTF8, "application/json");
        using var response = await gateway.Data.PostAsync("/connect/token", content);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Basic_credentials_that_are_not_base64_are_invalid_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "%%%not-base64%%%");
        using var response = await gateway.Data.SendAsync(request);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("hni-suspended")]
    [InlineData("susp-app")]
    public async Task Suspended_client_or_agency_gets_no_token(string clientId)
    {
        using var response = await PostAsync([new("grant_type", "client_credentials")], basic: (clientId, TestRegistry.Secret));

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client");
    }

    [Fact]
    public async Task A_form_larger_than_a_token_request_needs_is_a_clean_413_before_anything_is_checked()
    {
        using var response = await PostAsync(
            [new("grant_type", "client_credentials"), new("client_id", "vcb-ekyc"), new("client_secret", new string('x', 40_000))]);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "request-body-too-large");
        Assert.Contains("16384 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_unread_with_a_413_and_no_exception_in_the_log()
    {
        const string Body = "grant_type=client_credentials";
        var answer = await RawHttp.SendAsync(gateway.DataPort,
            "POST /connect/token HTTP/1.1\r\nHost: gateway.test\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
            $"Content-Length: 104857600\r\nConnection: close\r\n\r\n{Body}");

        Assert.Equal(413, answer.Status);
        Assert.Contains("request-body-too-large", answer.Body, StringComparison.Ordinal);
        // The gateway's own answer, logged as a 413 call, not as an unhandled exception with a stack trace.
        var log = await gateway.ReadLogAsync();
        Assert.DoesNotContain("BadHttpRequestException", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discovery_document_names_the_issuer_token_endpoint_and_keys()
    {
        using var json = JsonDocument.Parse(await gateway.Data.GetStringAsync("/.well-known/openid-configuration"));

        Assert.Equal(gateway.Issuer, json.RootElement.GetProperty("issuer").GetString());
        Assert.Equal(gateway.Issuer + "/connect/token", json.RootElement.GetProperty("token_endpoint").GetString());
        Assert.Equal(gateway.Issuer + "/.well-known/jwks.json", json.RootElement.GetProperty("jwks_uri").GetString());
        // Plain HTTP here, so no mutual TLS: no tls_client_auth and no certificate-bound tokens.
        Assert.Equal(["client_secret_basic", "client_secret_post", "private_key_jwt"], Strings(json.RootElement.GetProperty("token_endpoint_auth_methods_supported")));
        var algorithms = Strings(json.RootElement.GetProperty("token_endpoint_auth_signing_alg_values_supported"));
        Assert.Contains("RS256", algorithms);
        Assert.Contains("ES256", algorithms);
        Assert.DoesNotContain(algorithms, a => a.StartsWith("HS", StringComparison.Ordinal) || a == "none");
        Assert.False(json.RootElement.GetProperty("tls_client_certificate_bound_access_tokens").GetBoolean());
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private async Task<HttpResponseMessage> PostAsync(KeyValuePair<string, string>[] form, (string Id, string Secret)? basic = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(form) };
        if (basic is { } credentials)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Id}:{credentials.Secret}")));
        }

        return await gateway.Data.SendAsync(request);
    }

    private static async Task AssertOAuthErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain("access_token", body, StringComparison.Ordinal);
    }
}
