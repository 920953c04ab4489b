using System.Net;
using System.Text.Json;

namespace Ndxp.Gateway.Tests.DemoProviders;

/// <summary>Asserts a demo provider's RFC 9457 answer: status, media type and the stable demo problem type.</summary>
internal static class DemoProblemAssert
{
    public static async Task IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string typeSlug)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("urn:ndxp:demo:problem:" + typeSlug, json.RootElement.GetProperty("type").GetString());
    }
}
