using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>The two calls every through-HTTP test makes: get a token, call a service with it.</summary>
internal static class HttpClientCalls
{
    /// <summary>Whether <paramref name="path"/> answers with a success status now; false while nothing listens yet (or any more).</summary>
    public static async Task<bool> AnswersAsync(this HttpClient client, string path)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            using var response = await client.GetAsync(path);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public static async Task<string> TokenAsync(this HttpClient client, string clientId, string secret = TestRegistry.Secret)
    {
        using var response = await client.TokenResponseAsync(clientId, secret);
        return await AccessTokenAsync(response);
    }

    /// <summary>The token endpoint's answer to a client_credentials request authenticated with HTTP Basic.</summary>
    public static async Task<HttpResponseMessage> TokenResponseAsync(this HttpClient client, string clientId, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        return await client.SendAsync(request);
    }

    /// <summary>The token endpoint's answer to a client_credentials request authenticated with a client assertion (private_key_jwt).</summary>
    public static async Task<HttpResponseMessage> AssertionTokenResponseAsync(this HttpClient client, string assertion, string? clientId = null)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "client_credentials"),
            new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            new("client_assertion", assertion),
        };
        if (clientId is not null)
        {
            form.Add(new("client_id", clientId));
        }

        return await client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }

    /// <summary>A token obtained with a client assertion: the test fails with the endpoint's answer otherwise.</summary>
    public static async Task<string> AssertionTokenAsync(this HttpClient client, string assertion, string? clientId = null)
    {
        using var response = await client.AssertionTokenResponseAsync(assertion, clientId);
        return await AccessTokenAsync(response);
    }

    public static Task<HttpResponseMessage> CallAsync(
        this HttpClient client, HttpMethod method, string path, string? token, string? purpose = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (purpose is not null)
        {
            request.Headers.Add("X-Purpose", purpose);
        }

        configure?.Invoke(request);
        return client.SendAsync(request);
    }

    /// <summary>The status of a data call, for tests that poll until a change takes effect.</summary>
    public static async Task<HttpStatusCode> StatusOfAsync(this HttpClient client, string path, string? token, string? purpose = null)
    {
        using var response = await client.CallAsync(HttpMethod.Get, path, token, purpose);
        return response.StatusCode;
    }

    // A token endpoint's answer: the test fails with its status and body unless a token was issued.
    private static async Task<string> AccessTokenAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }
}
