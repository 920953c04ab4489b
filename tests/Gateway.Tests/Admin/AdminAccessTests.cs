using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Ndxp.Gateway.Audit;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Admin;

/// <summary>Only operators reach the admin API, only on the admin port; the API describes itself.</summary>
public sealed class AdminAccessTests(AdminFixture gateway) : IClassFixture<AdminFixture>
{
    // An id that exists for each kind, so that an admitted call would change something real.
    private static readonly Dictionary<string, string> ExistingIds = new(StringComparer.Ordinal)
    {
        ["agencies"] = "VCB", ["clients"] = "vcb-ekyc", ["services"] = "enterprise", ["grants"] = "vcb-population", ["revocations"] = "some-jti",
        ["trail-exclusions"] = "VCB", ["api-documents"] = "enterprise", ["access-requests"] = "ar-20261207-00000000",
    };

    [Fact]
    public async Task Every_admin_endpoint_refuses_consumers_with_403_and_callers_without_a_token_with_401_and_changes_nothing()
    {
        // Read from the running app, so that an endpoint added later is covered without touching this test.
        var endpoints = AdminEndpoints(gateway.Services);
        Assert.Contains(("POST", "/admin/v1/revocations"), endpoints);
        Assert.Contains(("DELETE", "/admin/v1/revocations/{id}"), endpoints);
        Assert.Contains(("GET", "/admin/v1/usage"), endpoints);
        Assert.True(endpoints.Count >= 39, $"{endpoints.Count} admin endpoints: {string.Join(", ", endpoints)}");
        var before = await RegistryStateAsync();
        var consumer = await gateway.Data.TokenAsync("vcb-ekyc");
        using var anonymous = new HttpClient { BaseAddress = gateway.Admin.BaseAddress };

        foreach (var (method, pattern) in endpoints)
        {
            var path = Concrete(pattern);
            using var asConsumer = await gateway.Admin.SendJsonAsync(new HttpMethod(method), path, "{}", "*", consumer);
            // Searching a person's trail is the auditors' (Trail/TrailSearchTests); everything else the operators'.
            await ProblemAssert.IsProblemAsync(asConsumer, HttpStatusCode.Forbidden, pattern == "/admin/v1/trail/search" ? "auditor-role-required" : "operator-role-required");
            using var withoutToken = await anonymous.SendJsonAsync(new HttpMethod(method), path, "{}", "*");
            await ProblemAssert.IsProblemAsync(withoutToken, HttpStatusCode.Unauthorized, "token-missing");
        }

        // Nothing the refused calls asked for happened: same registry revision, same audit head, and the consumer's
        // secret (which one refused call asked to rotate) still works.
        Assert.Equal(before, await RegistryStateAsync());
        await gateway.Data.TokenAsync("vcb-ekyc");
    }

    [Fact]
    public async Task An_operator_suspended_or_stripped_of_the_role_is_refused_on_its_next_call_with_the_token_it_holds()
    {
        var secret = await gateway.Admin.CreateClientAsync("""{"id":"ops-second","agency":"NDXP","roles":["operator"]}""");
        var token = await gateway.Data.TokenAsync("ops-second", secret);
        await AssertAdminStatusAsync(token, HttpStatusCode.OK);

        using (var suspended = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients/ops-second/suspend"))
        {
            Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        }

        await AssertAdminStatusAsync(token, HttpStatusCode.Unauthorized, "client-suspended");

        using (var activated = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients/ops-second/activate"))
        {
            Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        }

        await AssertAdminStatusAsync(token, HttpStatusCode.OK);

        using (var stripped = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/clients/ops-second", """{"id":"ops-second","agency":"NDXP","roles":[]}""", "*"))
        {
            Assert.Equal(HttpStatusCode.OK, stripped.StatusCode);
        }

        await AssertAdminStatusAsync(token, HttpStatusCode.Forbidden, "operator-role-required");

        using (var restored = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/clients/ops-second", """{"id":"ops-second","agency":"NDXP","roles":["operator"]}""", "*"))
        {
            Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        }

        await AssertAdminStatusAsync(token, HttpStatusCode.OK);
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

    [Fact]
    public async Task The_admin_document_declares_its_bearer_scheme_describes_every_operation_and_names_no_data_port_path()
    {
        using var spec = JsonDocument.Parse(await gateway.Admin.GetStringAsync("/openapi/v1.json"));
        var root = spec.RootElement;
        Assert.Equal("http", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("type").GetString());
        Assert.True(root.GetProperty("security")[0].TryGetProperty("bearer", out _));
        var paths = root.GetProperty("paths").EnumerateObject().ToList();
        Assert.All(paths, path => Assert.True(path.Name.StartsWith("/admin/v1/", StringComparison.Ordinal) || path.Name == "/metrics", path.Name));
        var operations = paths.SelectMany(path => path.Value.EnumerateObject().Select(op => (Name: $"{op.Name} {path.Name}", Operation: op.Value))).ToList();
        Assert.All(operations, op =>
        {
            Assert.True(op.Operation.TryGetProperty("summary", out var summary) && summary.GetString()!.Length > 0, $"{op.Name} has no summary");
            Assert.True(op.Operation.TryGetProperty("tags", out var tags) && tags.GetArrayLength() > 0, $"{op.Name} has no tag");
        });
    }

    [Fact]
    public async Task The_data_port_document_describes_the_token_form_without_a_token_and_the_own_usage_with_one()
    {
        using var spec = JsonDocument.Parse(await gateway.Admin.GetStringAsync("/openapi/data-v1.json"));
        var paths = spec.RootElement.GetProperty("paths");
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.StartsWith("/admin/", StringComparison.Ordinal));
        var token = paths.GetProperty("/connect/token").GetProperty("post");
        var form = token.GetProperty("requestBody").GetProperty("content").GetProperty("application/x-www-form-urlencoded");
        Assert.Equal(0, token.GetProperty("security").GetArrayLength());
        Assert.True(form.GetProperty("schema").ToString().Contains("grant_type", StringComparison.Ordinal)
            || spec.RootElement.GetProperty("components").GetProperty("schemas").ToString().Contains("grant_type", StringComparison.Ordinal));
        Assert.False(paths.GetProperty("/usage/v1/me").GetProperty("get").TryGetProperty("security", out _), "own usage needs the document's bearer token");
        Assert.True(paths.TryGetProperty("/trail/v1/me", out _));
        // The access request workflow is in both documents: agencies' steps here, the platform's in the admin one.
        Assert.True(paths.TryGetProperty("/portal/v1/access-requests", out _));
        Assert.True(paths.TryGetProperty("/portal/v1/access-requests/{id}/approve", out _));
        using var admin = JsonDocument.Parse(await gateway.Admin.GetStringAsync("/openapi/v1.json"));
        Assert.True(admin.RootElement.GetProperty("paths").TryGetProperty("/admin/v1/access-requests/{id}/approve", out _));
        Assert.Contains("/openapi/data-v1.json", await gateway.Admin.GetStringAsync("/docs/index.html") + await gateway.Admin.GetStringAsync("/docs/index.js"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_problems_carry_the_transaction_id_the_response_header_names()
    {
        using var anonymous = new HttpClient { BaseAddress = gateway.Admin.BaseAddress };
        foreach (var path in new[] { "/admin/v1/agencies", "/admin/v1/nothing-here" })
        {
            using var response = await (path.EndsWith("agencies", StringComparison.Ordinal) ? anonymous : gateway.Admin).GetAsync(path);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var id = problem.RootElement.GetProperty("transactionId").GetString();
            Assert.Matches("^[0-9a-f]{32}$", id);
            Assert.Equal(id, response.Headers.GetValues("X-Transaction-Id").Single());
        }
    }

    private static List<(string Method, string Pattern)> AdminEndpoints(IServiceProvider services) =>
    [
        .. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/admin/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, e.RoutePattern.RawText!.TrimEnd('/'))))
            .Distinct()
            .Order(),
    ];

    private static string Concrete(string pattern)
    {
        var segments = pattern.Split('/');
        return string.Join('/', segments.Select((segment, i) => segment == "{id}" ? ExistingIds[segments[i - 1]] : segment));
    }

    private async Task<(string Revision, AuditHead Head)> RegistryStateAsync()
    {
        using var registry = await gateway.Admin.GetAsync("/admin/v1/registry");
        return (registry.ETag(), await gateway.Services.GetRequiredService<IRegistryStore>().ReadAuditHeadAsync(CancellationToken.None));
    }

    private async Task AssertAdminStatusAsync(string token, HttpStatusCode expected, string? problem = null)
    {
        using var response = await gateway.Admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/grants", token: token);
        if (problem is null)
        {
            Assert.Equal(expected, response.StatusCode);
        }
        else
        {
            await ProblemAssert.IsProblemAsync(response, expected, problem);
        }
    }
}
