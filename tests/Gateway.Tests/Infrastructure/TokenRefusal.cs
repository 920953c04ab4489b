using System.Net;
using System.Text.Json;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>Asserts that the token endpoint refuses a client's credentials as OAuth 2.0 says (RFC 6749 section 5.2).</summary>
internal static class TokenRefusal
{
    /// <summary>
    /// 401 with <c>invalid_client</c>, and no token in the answer. The secret goes in the form (client_secret_post),
    /// the other way clients authenticate, next to HTTP Basic in <see cref="HttpClientCalls.TokenResponseAsync"/>.
    /// </summary>
    public static async Task AssertInvalidClientAsync(HttpClient client, string clientId, string secret = TestRegistry.Secret)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", secret)]));
        await AssertInvalidClientAsync(response);
    }

    /// <summary>401 with <c>invalid_client</c>, a description, and no token in the answer; returns the description.</summary>
    public static async Task<string> AssertInvalidClientAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal("invalid_client", json.RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain("access_token", body, StringComparison.Ordinal);
        var description = json.RootElement.GetProperty("error_description").GetString();
        Assert.False(string.IsNullOrWhiteSpace(description));
        return description!;
    }

    /// <summary>
    /// 429 <c>temporarily_unavailable</c> with no token: a lock-out refusing the request unchecked. Returns its
    /// Retry-After and description, for the test to compare with the lock-out it expects.
    /// </summary>
    public static async Task<(TimeSpan RetryAfter, string Description)> AssertLockedOutAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal("temporarily_unavailable", json.RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain("access_token", body, StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        return (response.Headers.RetryAfter.Delta.Value, json.RootElement.GetProperty("error_description").GetString()!);
    }
}
