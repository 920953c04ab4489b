using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Admin;

/// <summary>Only operators reach the admin API, only on the admin port; the API describes itself.</summary>
public sealed class AdminAccessTests(AdminFixture gateway) : IClassFixture<AdminFixture>
{
    public static TheoryData<string, string> AdminEndpoints => new()
    {
        { "GET", "/admin/v1/agencies" },
        { "GET", "/admin/v1/clients/vcb-ekyc" },
        { "POST", "/admin/v1/services" },
        { "PUT", "/admin/v1/grants/vcb-population" },
        { "DELETE", "/admin/v1/grants/vcb-population" },
        { "POST", "/admin/v1/clients/vcb-ekyc/secret" },
        { "POST", "/admin/v1/grants/vcb-population/suspend" },
        { "GET", "/admin/v1/audit" },
        { "GET", "/admin/v1/audit/verify" },
        { "GET", "/admin/v1/registry" },
        { "PUT", "/admin/v1/registry" },
    };

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task Consumers_get_403_and_callers_without_a_token_401(string method, string path)
    {
        var consumer = await gateway.Data.TokenAsync("vcb-ekyc");
        using var asConsumer = await gateway.Admin.SendJsonAsync(new HttpMethod(method), path, "{}", "*", consumer);
        await ProblemAssert.IsProblemAsync(asConsumer, HttpStatusCode.Forbidden, "operator-role-required");

        using var anonymous = new HttpClient { BaseAddress = gateway.Admin.BaseAddress };
        using var withoutToken = await anonymous.SendJsonAsync(new HttpMethod(method), path, "{}", "*");
        await ProblemAssert.IsProblemAsync(withoutToken, HttpStatusCode.Unauthorized, "token-missing");

        // Nothing the refused calls asked for happened.
        using var grant = await gateway.Admin.GetAsync("/admin/v1/grants/vcb-population");
        Assert.Equal("active", JsonDocument.Parse(await grant.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_admin_api_is_not_on_the_data_port()
    {
        var token = await gateway.Data.TokenAsync("ops-console");
        using var response = await gateway.Data.CallAsync(HttpMethod.Get, "/admin/v1/grants", token);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "route-not-found");
        using var docs = await gateway.Data.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.NotFound, docs.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_admin_resource_and_the_reference_page_renders_it()
    {
        using var spec = JsonDocument.Parse(await gateway.Admin.GetStringAsync("/openapi/v1.json"));
        var paths = spec.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var collection in new[] { "agencies", "clients", "services", "grants" })
        {
            Assert.Contains($"/admin/v1/{collection}", paths);
            Assert.Contains($"/admin/v1/{collection}/{{id}}", paths);
        }

        Assert.Contains("/admin/v1/audit", paths);
        Assert.Contains("/admin/v1/audit/verify", paths);
        Assert.Contains("/admin/v1/usage", paths);
        Assert.Contains("/admin/v1/registry", paths);
        var create = spec.RootElement.GetProperty("paths").GetProperty("/admin/v1/grants").GetProperty("post");
        Assert.True(create.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));

        using var page = await gateway.Admin.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/openapi/v1.json", await gateway.Admin.GetStringAsync("/docs/index.html") + await gateway.Admin.GetStringAsync("/docs/index.js"), StringComparison.Ordinal);
    }
}
