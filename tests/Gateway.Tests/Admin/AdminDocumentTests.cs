using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Admin;

/// <summary>
/// The OpenAPI document is generated once per process and served from memory: the same bytes whatever the request's
/// Host or X-Forwarded-* headers say, with the configured admin URL as its only server, and an ETag to revalidate;
/// compact, or gzipped for a caller that accepts it.
/// Every request here names a host of its own, so whichever of them generated the document, it came with one.
/// </summary>
public sealed class AdminDocumentTests(AdminDocumentTests.Fixture gateway) : IClassFixture<AdminDocumentTests.Fixture>
{
    private const string PublicUrl = "https://gateway-admin.ndxp.example/";

    [Fact]
    public async Task The_document_is_the_same_bytes_whatever_host_the_caller_names_and_its_server_is_the_configured_one()
    {
        var first = await DocumentBytesAsync(gateway.Admin, "caller-one.example");
        var second = await DocumentBytesAsync(gateway.Admin, "caller-two.example:8443");

        Assert.Equal(first, second);
        var text = Encoding.UTF8.GetString(first);
        Assert.DoesNotContain("caller-", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("forwarded-", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(first);
        var servers = document.RootElement.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("url").GetString()).ToList();
        Assert.Equal([PublicUrl], servers);
    }

    [Fact]
    public async Task Many_requests_cost_one_generation_and_a_known_etag_is_answered_304_without_a_body()
    {
        // One after another: at once, all but a few would be refused (Hardening/OpenEndpointLimitsTests).
        var documents = new List<byte[]>();
        for (var i = 0; i < 20; i++)
        {
            documents.Add(await DocumentBytesAsync(gateway.Admin, $"caller-{i}.example"));
        }

        Assert.All(documents, document => Assert.Equal(documents[0], document));
        Assert.Equal(1, gateway.Services.GetRequiredKeyedService<AdminDocument>(AdminDocs.DocumentName).Generations);
        using var answer = await SendAsync(gateway.Admin, "caller-etag.example");
        var etag = answer.Headers.ETag ?? throw new InvalidOperationException("no ETag");
        Assert.Equal("no-cache", answer.Headers.CacheControl?.ToString());

        using var notModified = await SendAsync(gateway.Admin, "caller-etag.example", "\"stale\", " + etag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        using var stale = await SendAsync(gateway.Admin, "caller-etag.example", "\"stale\"");
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
    }

    [Fact]
    public async Task The_document_is_served_unindented_and_gzipped_to_a_caller_that_accepts_gzip_with_an_etag_of_its_own()
    {
        using var identity = await SendAsync(gateway.Admin, "caller-identity.example");
        var json = await identity.Content.ReadAsByteArrayAsync();
        Assert.Empty(identity.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", identity.Headers.Vary);
        Assert.DoesNotContain((byte)'\n', json);
        Assert.Equal("{\"", Encoding.UTF8.GetString(json, 0, 2));

        using var gzipped = await SendAsync(gateway.Admin, "caller-gzip.example", acceptEncoding: "br;q=0.9, gzip");
        Assert.Equal(HttpStatusCode.OK, gzipped.StatusCode);
        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", gzipped.Headers.Vary);
        Assert.Equal("application/json", gzipped.Content.Headers.ContentType?.MediaType);
        var compressed = await gzipped.Content.ReadAsByteArrayAsync();
        Assert.True(compressed.Length < json.Length / 4, $"{compressed.Length} bytes gzipped of {json.Length}");
        using (var decompressed = new MemoryStream())
        {
            await using (var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress))
            {
                await gzip.CopyToAsync(decompressed);
            }

            Assert.Equal(json, decompressed.ToArray());
        }

        var etag = gzipped.Headers.ETag ?? throw new InvalidOperationException("no ETag");
        Assert.NotEqual(identity.Headers.ETag, etag);
        using var notModified = await SendAsync(gateway.Admin, "caller-gzip.example", etag.ToString(), "gzip");
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        // The identity representation's tag does not validate the gzip one, nor the other way round.
        using var otherTag = await SendAsync(gateway.Admin, "caller-gzip.example", identity.Headers.ETag!.ToString(), "gzip");
        Assert.Equal(HttpStatusCode.OK, otherTag.StatusCode);
        using var refused = await SendAsync(gateway.Admin, "caller-gzip.example", etag.ToString(), "gzip;q=0, *");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Empty(refused.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task A_registry_change_leaves_the_document_and_its_etag_as_they_are()
    {
        using var before = await SendAsync(gateway.Admin, "caller-before.example");
        var generations = gateway.Services.GetRequiredKeyedService<AdminDocument>(AdminDocs.DocumentName).Generations;

        await gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/services", $$"""
            {"id":"docs-unchanged","provider":"BCA","pathPrefix":"/docs-unchanged/v1","destinations":["{{gateway.Workspace.UpstreamUrl}}"]}
            """);

        // The registry's services are routes the document does not describe: it depends on nothing the registry holds.
        using var after = await SendAsync(gateway.Admin, "caller-after.example");
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);
        Assert.Equal(generations, gateway.Services.GetRequiredKeyedService<AdminDocument>(AdminDocs.DocumentName).Generations);
        Assert.DoesNotContain("docs-unchanged", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_configured_admin_url_the_document_names_no_server_at_all()
    {
        var other = await gateway.Workspace.StartGatewayAsync();

        var bytes = await DocumentBytesAsync(other.Admin, "caller-default.example");

        using var document = JsonDocument.Parse(bytes);
        Assert.False(document.RootElement.TryGetProperty("servers", out var servers) && servers.GetArrayLength() > 0, servers.ToString());
        Assert.DoesNotContain("caller-", Encoding.UTF8.GetString(bytes), StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<byte[]> DocumentBytesAsync(HttpClient admin, string host)
    {
        using var response = await SendAsync(admin, host);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient admin, string host, string? ifNoneMatch = null, string? acceptEncoding = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, AdminDocs.DocumentPath);
        request.Headers.Host = host;
        request.Headers.Add("X-Forwarded-Host", "forwarded-" + host);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Prefix", "/forwarded-prefix");
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return admin.SendAsync(request);
    }

    public sealed class Fixture : AdminFixture
    {
        protected override string[] Settings => [$"--Gateway:AdminPublicUrl={PublicUrl}"];
    }
}
