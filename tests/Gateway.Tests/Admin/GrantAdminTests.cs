using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Admin;

/// <summary>Grants through the admin API: each change is in effect on the data plane when the admin call returns.</summary>
public sealed class GrantAdminTests(AdminFixture gateway) : IClassFixture<AdminFixture>
{
    private const string EnterpriseCall = "/enterprise/v1/enterprises/0109999001";
    private static readonly DateTimeOffset Noon = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Create_read_update_suspend_activate_and_delete_a_grant_each_taking_effect_at_once()
    {
        var viettel = await gateway.Data.TokenAsync("viettel-sim");
        await AssertCallAsync(viettel, HttpStatusCode.Forbidden, "no-grant");

        using var created = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants",
            """{"id":"viettel-enterprise","consumerAgency":"VIETTEL","service":"enterprise","methods":["GET"],"dailyQuota":1000}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/admin/v1/grants/viettel-enterprise", created.Headers.Location?.ToString());
        var etag = created.ETag();
        await AssertCallAsync(viettel, HttpStatusCode.OK);

        using (var read = await gateway.Admin.GetAsync("/admin/v1/grants/viettel-enterprise"))
        {
            Assert.Equal(etag, read.ETag());
            using var json = JsonDocument.Parse(await read.Content.ReadAsStringAsync());
            Assert.Equal(1000, json.RootElement.GetProperty("dailyQuota").GetInt64());
        }

        using (var list = await gateway.Admin.GetAsync("/admin/v1/grants"))
        {
            using var json = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
            Assert.Contains(json.RootElement.GetProperty("items").EnumerateArray(), g => g.GetProperty("id").GetString() == "viettel-enterprise");
        }

        using var updated = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/viettel-enterprise",
            """{"id":"viettel-enterprise","consumerAgency":"VIETTEL","service":"enterprise","methods":["GET"],"purposes":["subscriber-verification"]}""", etag);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.NotEqual(etag, updated.ETag());
        await AssertCallAsync(viettel, HttpStatusCode.OK);

        using var suspended = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants/viettel-enterprise/suspend");
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        await AssertCallAsync(viettel, HttpStatusCode.Forbidden, "grant-not-in-effect");

        using var activated = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants/viettel-enterprise/activate", ifMatch: suspended.ETag());
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        await AssertCallAsync(viettel, HttpStatusCode.OK);

        using var deleted = await gateway.Admin.SendJsonAsync(HttpMethod.Delete, "/admin/v1/grants/viettel-enterprise", ifMatch: activated.ETag());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertCallAsync(viettel, HttpStatusCode.Forbidden, "no-grant");

        using var gone = await gateway.Admin.GetAsync("/admin/v1/grants/viettel-enterprise");
        await ProblemAssert.IsProblemAsync(gone, HttpStatusCode.NotFound, "entity-not-found");
    }

    [Fact]
    public async Task A_stale_etag_is_412_a_missing_one_428_and_neither_changes_anything()
    {
        using var created = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants",
            """{"id":"etag-grant","consumerAgency":"HNI","service":"enterprise"}""");
        var first = created.ETag();
        using var second = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/etag-grant",
            """{"id":"etag-grant","consumerAgency":"HNI","service":"enterprise","dailyQuota":5}""", first);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        // Another operator still holds the first ETag: their write would undo the quota; it is refused.
        using var stale = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/etag-grant",
            """{"id":"etag-grant","consumerAgency":"HNI","service":"enterprise","dailyQuota":9}""", first);
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed, "precondition-failed");
        using var staleDelete = await gateway.Admin.SendJsonAsync(HttpMethod.Delete, "/admin/v1/grants/etag-grant", ifMatch: first);
        await ProblemAssert.IsProblemAsync(staleDelete, HttpStatusCode.PreconditionFailed, "precondition-failed");
        using var staleSuspend = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants/etag-grant/suspend", ifMatch: first);
        await ProblemAssert.IsProblemAsync(staleSuspend, HttpStatusCode.PreconditionFailed, "precondition-failed");
        using var unconditional = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/etag-grant",
            """{"id":"etag-grant","consumerAgency":"HNI","service":"enterprise","dailyQuota":9}""");
        await ProblemAssert.IsProblemAsync(unconditional, HttpStatusCode.PreconditionRequired, "precondition-required");
        using var unconditionalDelete = await gateway.Admin.SendJsonAsync(HttpMethod.Delete, "/admin/v1/grants/etag-grant");
        await ProblemAssert.IsProblemAsync(unconditionalDelete, HttpStatusCode.PreconditionRequired, "precondition-required");

        using var read = await gateway.Admin.GetAsync("/admin/v1/grants/etag-grant");
        Assert.Equal(second.ETag(), read.ETag());
        using var json = JsonDocument.Parse(await read.Content.ReadAsStringAsync());
        Assert.Equal(5, json.RootElement.GetProperty("dailyQuota").GetInt64());
        Assert.Equal("active", json.RootElement.GetProperty("status").GetString());

        // The same body again changes nothing: same ETag, no new audit entry.
        var store = gateway.Services.GetRequiredService<IRegistryStore>();
        var head = await store.ReadAuditHeadAsync(CancellationToken.None);
        using var again = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/etag-grant",
            """{"id":"etag-grant","consumerAgency":"HNI","service":"enterprise","dailyQuota":5}""", second.ETag());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(second.ETag(), again.ETag());
        Assert.Equal(head, await store.ReadAuditHeadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_writers_with_the_same_etag_one_wins_the_others_get_412()
    {
        using var created = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants",
            """{"id":"race-grant","consumerAgency":"HNI","service":"enterprise"}""");
        var etag = created.ETag();

        var statuses = await Task.WhenAll(Enumerable.Range(1, 8).Select(async quota =>
        {
            using var response = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/race-grant",
                $$"""{"id":"race-grant","consumerAgency":"HNI","service":"enterprise","dailyQuota":{{quota}}}""", etag);
            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(7, statuses.Count(s => s == HttpStatusCode.PreconditionFailed));
    }

    [Fact]
    public async Task Quota_and_rate_limit_changes_take_effect_on_the_next_call()
    {
        // A gateway of its own on a clock stopped at noon UTC: crossing midnight cannot reset the daily quota mid-test.
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var own = await workspace.StartGatewayAsync(new FakeTimeProvider(Noon));
        using var forge = new TokenForge(workspace.DataDirectory, own.Issuer);
        var bank = forge.Signed();
        var operatorToken = forge.Signed(clientId: "ops-console", agency: "NDXP");
        async Task<HttpResponseMessage> CallAsync() => await own.Data.CallAsync(HttpMethod.Get, "/limited/x", bank);

        using var created = await own.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants",
            """{"id":"vcb-limited","consumerAgency":"VCB","service":"limited","dailyQuota":2}""", token: operatorToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        for (var i = 0; i < 2; i++)
        {
            using var allowed = await CallAsync();
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using (var overQuota = await CallAsync())
        {
            await ProblemAssert.IsProblemAsync(overQuota, HttpStatusCode.TooManyRequests, "quota-exceeded");
        }

        // The quota is raised and a tight rate limit added: the next call is admitted, the one right after it is not.
        using var raised = await own.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/vcb-limited",
            """{"id":"vcb-limited","consumerAgency":"VCB","service":"limited","dailyQuota":100,"rateLimit":{"perSecond":0.1,"burst":1}}""", created.ETag(), operatorToken);
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        using (var admitted = await CallAsync())
        {
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        using (var limited = await CallAsync())
        {
            await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate-limited");
        }

        using var unlimited = await own.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/vcb-limited",
            """{"id":"vcb-limited","consumerAgency":"VCB","service":"limited","dailyQuota":100}""", raised.ETag(), operatorToken);
        Assert.Equal(HttpStatusCode.OK, unlimited.StatusCode);
        using var free = await CallAsync();
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
    }

    [Fact]
    public async Task Suspending_activating_deleting_or_reading_an_unknown_grant_is_404()
    {
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Post, "/admin/v1/grants/no-such/suspend"),
            (HttpMethod.Post, "/admin/v1/grants/no-such/activate"),
            (HttpMethod.Delete, "/admin/v1/grants/no-such"),
            (HttpMethod.Get, "/admin/v1/grants/no-such"),
        })
        {
            using var response = await gateway.Admin.SendJsonAsync(method, path, ifMatch: "*");
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "entity-not-found");
        }
    }

    [Fact]
    public async Task Creating_an_existing_id_is_409()
    {
        using var response = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants",
            """{"id":"vcb-population","consumerAgency":"VCB","service":"population","purposes":["ekyc"]}""");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "entity-exists");
    }

    [Theory]
    [InlineData("""{"id":"bad-1","consumerAgency":"NOPE","service":"enterprise"}""", "consumerAgency")]
    [InlineData("""{"id":"bad-2","consumerAgency":"VCB","service":"nowhere"}""", "service")]
    [InlineData("""{"id":"bad-3","consumerAgency":"VCB","service":"population"}""", "purposes")]
    [InlineData("""{"id":"bad-4","consumerAgency":"VCB","service":"enterprise","methods":["DELETE"]}""", "methods")]
    [InlineData("""{"id":"bad-5","consumerAgency":"VCB","service":"enterprise","rateLimit":{"perSecond":0,"burst":1}}""", "rateLimit")]
    [InlineData("""{"id":"bad-6","consumerAgency":"VCB","service":"enterprise","validFrom":"2026-02-01T00:00:00Z","validUntil":"2026-01-01T00:00:00Z"}""", "validFrom")]
    [InlineData("""{"id":"bad-7","consumerAgency":"VCB","consumerClient":"viettel-sim","service":"enterprise"}""", "consumerClient")]
    [InlineData("""{"id":"Bad Id","consumerAgency":"VCB","service":"enterprise"}""", "id")]
    public async Task An_invalid_grant_is_422_naming_the_field_and_is_not_stored(string body, string field)
    {
        using var response = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants", body);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "registry-invalid");
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        using var read = await gateway.Admin.GetAsync("/admin/v1/grants/" + Uri.EscapeDataString(id));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Theory]
    [InlineData("""{"id":"shape-1","consumerAgency":"VCB","service":"enterprise","dailyQuotaa":5}""", "dailyQuotaa")]
    [InlineData("""{"id":"shape-2","consumerAgency":"VCB","service":"enterprise","dailyQuota":"many"}""", "dailyQuota")]
    [InlineData("""{"id":"shape-3","consumerAgency":"VCB","service":"enterprise","status":"paused"}""", "status")]
    [InlineData("""{"consumerAgency":"VCB","service":"enterprise"}""", "$")]
    [InlineData("""{"id":"shape-4",""", "$")]
    [InlineData("null", "$")]
    public async Task A_malformed_body_is_400_naming_the_field(string body, string field)
    {
        using var response = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants", body);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid-body");
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.DoesNotContain("Ndxp.", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_and_an_id_that_differs_from_the_path_is_400()
    {
        using var form = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/grants") { Content = new StringContent("id=x") };
        using var notJson = await gateway.Admin.SendAsync(form);
        await ProblemAssert.IsProblemAsync(notJson, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");

        using var renamed = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/vcb-slow",
            """{"id":"vcb-slow-2","consumerAgency":"VCB","service":"slow"}""", "*");
        var problem = await ProblemAssert.IsProblemAsync(renamed, HttpStatusCode.BadRequest, "invalid-body");
        Assert.Equal("id", problem.GetProperty("errors")[0].GetProperty("field").GetString());

        using var missing = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/no-such-grant",
            """{"id":"no-such-grant","consumerAgency":"VCB","service":"slow"}""", "*");
        await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.NotFound, "entity-not-found");
    }

    private async Task AssertCallAsync(string token, HttpStatusCode expected, string? problem = null)
    {
        using var response = await gateway.Data.CallAsync(HttpMethod.Get, EnterpriseCall, token);
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
