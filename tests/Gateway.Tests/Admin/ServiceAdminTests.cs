using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Admin;

/// <summary>Services and agencies through the admin API: routes and clusters follow without restart.</summary>
public sealed class ServiceAdminTests(AdminFixture gateway) : IClassFixture<AdminFixture>
{
    [Fact]
    public async Task A_new_agency_service_and_grant_make_a_new_route_and_moving_its_destination_moves_the_calls()
    {
        using (var agency = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/agencies", """{"code":"BTP","name":"Ministry of Justice","kind":"ministry"}"""))
        {
            Assert.Equal(HttpStatusCode.Created, agency.StatusCode);
        }

        using var service = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/services", $$"""
            {"id":"civil-status","provider":"BTP","pathPrefix":"/civil-status/v1","destinations":["{{gateway.Workspace.DeadUrl}}"],
             "timeoutMs":2000,"personalData":true,"capacity":{"maxConcurrent":50}
            }
            """);
        Assert.Equal(HttpStatusCode.Created, service.StatusCode);
        using (var grant = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants",
            """{"id":"vcb-civil-status","consumerAgency":"VCB","service":"civil-status","purposes":["ekyc"]}"""))
        {
            Assert.Equal(HttpStatusCode.Created, grant.StatusCode);
        }

        var token = await gateway.Data.TokenAsync("vcb-ekyc");
        using (var unreachable = await gateway.Data.CallAsync(HttpMethod.Get, "/civil-status/v1/anything", token, "ekyc"))
        {
            await ProblemAssert.IsProblemAsync(unreachable, HttpStatusCode.BadGateway, "provider-error");
        }

        using var moved = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/services/civil-status", $$"""
            {"id":"civil-status","provider":"BTP","pathPrefix":"/civil-status/v1","destinations":["{{gateway.Workspace.UpstreamUrl}}"],
             "timeoutMs":2000,"personalData":true}
            """, service.ETag());
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        using var served = await gateway.Data.CallAsync(HttpMethod.Get, "/civil-status/v1/anything", token, "ekyc");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        using var suspended = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/services/civil-status/suspend");
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Equal("suspended", JsonDocument.Parse(await suspended.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        using var closed = await gateway.Data.CallAsync(HttpMethod.Get, "/civil-status/v1/anything", token, "ekyc");
        await ProblemAssert.IsProblemAsync(closed, HttpStatusCode.ServiceUnavailable, "service-suspended");
    }

    [Fact]
    public async Task A_service_whose_prefix_overlaps_another_or_whose_destination_is_bad_is_refused_naming_the_field()
    {
        using var overlapping = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/services",
            """{"id":"population-extra","provider":"BCA","pathPrefix":"/population/v1/extra","destinations":["http://127.0.0.1:1"]}""");
        var problem = await ProblemAssert.IsProblemAsync(overlapping, HttpStatusCode.UnprocessableEntity, "registry-invalid");
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "pathPrefix");

        using var badDestination = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/services",
            """{"id":"odd","provider":"BCA","pathPrefix":"/odd","destinations":["ftp://user:pw@example"],"timeoutMs":0}""");
        problem = await ProblemAssert.IsProblemAsync(badDestination, HttpStatusCode.UnprocessableEntity, "registry-invalid");
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains("destinations", fields);
        Assert.Contains("timeoutMs", fields);

        // A service that grants still use cannot be deleted out from under them.
        using var inUse = await gateway.Admin.SendJsonAsync(HttpMethod.Delete, "/admin/v1/services/enterprise", ifMatch: "*");
        await ProblemAssert.IsProblemAsync(inUse, HttpStatusCode.UnprocessableEntity, "registry-invalid");
    }

    [Fact]
    public async Task A_service_declares_its_upgrades_through_the_admin_api_and_h2c_is_refused_naming_the_field()
    {
        using var created = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/services",
            """{"id":"live-feed","provider":"BCA","pathPrefix":"/live-feed","destinations":["http://127.0.0.1:1"],"upgrades":["websocket"]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var read = await gateway.Admin.GetAsync("/admin/v1/services/live-feed");
        var upgrades = JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.GetProperty("upgrades");
        Assert.Equal(["websocket"], upgrades.EnumerateArray().Select(u => u.GetString()));

        using var h2c = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/services",
            """{"id":"h2c-feed","provider":"BCA","pathPrefix":"/h2c-feed","destinations":["http://127.0.0.1:1"],"upgrades":["h2c"]}""");
        var problem = await ProblemAssert.IsProblemAsync(h2c, HttpStatusCode.UnprocessableEntity, "registry-invalid");
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("upgrades", error.GetProperty("field").GetString());
        Assert.Equal("h2c-feed", error.GetProperty("id").GetString());
    }

    [Fact]
    public async Task An_agency_is_created_renamed_suspended_and_deleted_and_its_code_cannot_change()
    {
        using var created = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/agencies", """{"code":"TMP","name":"Temporary agency"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var recoded = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/agencies/TMP", """{"code":"TMP2","name":"Temporary agency"}""", created.ETag());
        var problem = await ProblemAssert.IsProblemAsync(recoded, HttpStatusCode.BadRequest, "invalid-body");
        Assert.Equal("code", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        using var badCode = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/agencies", """{"code":"tmp lower","name":"x"}""");
        problem = await ProblemAssert.IsProblemAsync(badCode, HttpStatusCode.UnprocessableEntity, "registry-invalid");
        Assert.Equal("code", problem.GetProperty("errors")[0].GetProperty("field").GetString());

        using var renamed = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/agencies/TMP", """{"code":"TMP","name":"Renamed agency","kind":"province"}""", created.ETag());
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        using var suspended = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/agencies/TMP/suspend", ifMatch: renamed.ETag());
        Assert.Equal("suspended", JsonDocument.Parse(await suspended.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        using var deleted = await gateway.Admin.SendJsonAsync(HttpMethod.Delete, "/admin/v1/agencies/TMP", ifMatch: suspended.ETag());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await gateway.Admin.GetAsync("/admin/v1/agencies/TMP");
        await ProblemAssert.IsProblemAsync(gone, HttpStatusCode.NotFound, "entity-not-found");
    }

    [Fact]
    public async Task Agencies_are_listed_and_read_by_code()
    {
        using var list = await gateway.Admin.GetAsync("/admin/v1/agencies");
        using var json = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        Assert.Contains(json.RootElement.GetProperty("items").EnumerateArray(), a => a.GetProperty("code").GetString() == "BCA");
        Assert.True(json.RootElement.GetProperty("revision").GetInt64() >= 1);

        using var one = await gateway.Admin.GetAsync("/admin/v1/agencies/BCA");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal("ministry", JsonDocument.Parse(await one.Content.ReadAsStringAsync()).RootElement.GetProperty("kind").GetString());
    }
}
