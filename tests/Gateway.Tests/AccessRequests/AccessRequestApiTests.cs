using System.Net;
using System.Text.Json;
using Ndxp.Gateway.AccessRequests;
using Ndxp.Gateway.Audit;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.AccessRequests;

/// <summary>
/// The access request workflow through the portal API (agencies' clients, data port) and the admin API (operators):
/// ask, the provider's approver, then the platform; approval creates the grant and the next call is admitted.
/// </summary>
public sealed class AccessRequestApiTests : IAsyncLifetime
{
    private const string Enterprise = "/enterprise/v1/enterprises/0100109106";
    private readonly AdminFixture _gateway = new();
    private string _approverToken = "";

    public async Task InitializeAsync()
    {
        await _gateway.InitializeAsync();
        // The test registry's enterprise service is BKHDT's; its approver is a client with the approver role.
        var secret = await _gateway.Admin.CreateClientAsync("""{"id":"bkhdt-approver","agency":"BKHDT","roles":["approver"]}""");
        _approverToken = await _gateway.Data.TokenAsync("bkhdt-approver", secret);
    }

    public Task DisposeAsync() => _gateway.DisposeAsync();

    [Fact]
    public async Task A_request_approved_by_the_provider_then_the_platform_creates_the_grant_and_the_next_call_is_admitted()
    {
        var viettel = await _gateway.Data.TokenAsync("viettel-sim");
        Assert.Equal(HttpStatusCode.Forbidden, await _gateway.Data.StatusOfAsync(Enterprise, viettel));

        var id = await SubmitAsync(viettel);
        using (var decided = await _gateway.Data.SendJsonAsync(HttpMethod.Post, $"/portal/v1/access-requests/{id}/approve", """{"reason":"Lawful under the telecom decree"}""", token: _approverToken))
        {
            Assert.Equal("awaiting-operator", (await JsonAsync(decided, HttpStatusCode.OK)).GetProperty("state").GetString());
        }

        Assert.Equal(HttpStatusCode.Forbidden, await _gateway.Data.StatusOfAsync(Enterprise, viettel));
        using (var approved = await _gateway.Admin.SendJsonAsync(HttpMethod.Post, $"/admin/v1/access-requests/{id}/approve", """{"reason":"Provider agrees","dailyQuota":250}"""))
        {
            var view = await JsonAsync(approved, HttpStatusCode.OK);
            Assert.Equal("approved", view.GetProperty("state").GetString());
            Assert.Equal(id, view.GetProperty("request").GetProperty("grantId").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, await _gateway.Data.StatusOfAsync(Enterprise, viettel));
        using var grant = JsonDocument.Parse(await _gateway.Admin.GetStringAsync($"/admin/v1/grants/{id}"));
        Assert.Equal(250, grant.RootElement.GetProperty("dailyQuota").GetInt64());
        Assert.Equal(["credit-assessment"], grant.RootElement.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()));

        // Each step is in the audit trail under the client that took it; the grant's creation under the operator.
        using var audit = JsonDocument.Parse(await _gateway.Admin.GetStringAsync($"/admin/v1/audit?order=newest&limit=10&id={id}"));
        var steps = audit.RootElement.GetProperty("items").EnumerateArray().Select(e => (e.GetProperty("kind").GetString(), e.GetProperty("action").GetString(), e.GetProperty("actor").GetString())).Reverse().ToList();
        Assert.Equal(
            [("access-request", "create", "viettel-sim"), ("access-request", "provider-approve", "bkhdt-approver"), ("grant", "create", "ops-console"), ("access-request", "approve", "ops-console")],
            steps);
    }

    [Fact]
    public async Task A_request_the_provider_rejects_leaves_no_grant_and_cannot_be_approved_afterwards()
    {
        var viettel = await _gateway.Data.TokenAsync("viettel-sim");
        var id = await SubmitAsync(viettel);
        using (var rejected = await _gateway.Data.SendJsonAsync(HttpMethod.Post, $"/portal/v1/access-requests/{id}/reject", """{"reason":"No legal basis for a telecom"}""", token: _approverToken))
        {
            Assert.Equal("rejected", (await JsonAsync(rejected, HttpStatusCode.OK)).GetProperty("state").GetString());
        }

        using var late = await _gateway.Admin.SendJsonAsync(HttpMethod.Post, $"/admin/v1/access-requests/{id}/approve", """{"reason":"overruled"}""");
        await ProblemAssert.IsProblemAsync(late, HttpStatusCode.Conflict, "access-request-not-pending");
        using var grant = await _gateway.Admin.GetAsync($"/admin/v1/grants/{id}");
        Assert.Equal(HttpStatusCode.NotFound, grant.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await _gateway.Data.StatusOfAsync(Enterprise, viettel));
    }

    [Fact]
    public async Task Each_step_is_refused_to_whoever_may_not_take_it()
    {
        var viettel = await _gateway.Data.TokenAsync("viettel-sim");
        var id = await SubmitAsync(viettel);

        // The platform cannot decide before the provider.
        using var early = await _gateway.Admin.SendJsonAsync(HttpMethod.Post, $"/admin/v1/access-requests/{id}/approve", """{"reason":"too early"}""");
        await ProblemAssert.IsProblemAsync(early, HttpStatusCode.Conflict, "access-request-not-pending");
        // A client without the approver role, and an approver of another agency, cannot decide for the provider.
        using var consumer = await _gateway.Data.SendJsonAsync(HttpMethod.Post, $"/portal/v1/access-requests/{id}/approve", """{"reason":"self-service"}""", token: viettel);
        await ProblemAssert.IsProblemAsync(consumer, HttpStatusCode.Forbidden, "approver-role-required");
        var otherSecret = await _gateway.Admin.CreateClientAsync("""{"id":"bca-approver","agency":"BCA","roles":["approver"]}""");
        using var other = await _gateway.Data.SendJsonAsync(HttpMethod.Post, $"/portal/v1/access-requests/{id}/approve", """{"reason":"not mine"}""",
            token: await _gateway.Data.TokenAsync("bca-approver", otherSecret));
        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.Forbidden, "approver-role-required");
        // A decision needs a reason; an unknown request is 404; an agency's token does not open the admin API.
        using var reasonless = await _gateway.Data.SendJsonAsync(HttpMethod.Post, $"/portal/v1/access-requests/{id}/approve", "{}", token: _approverToken);
        await ProblemAssert.IsProblemAsync(reasonless, HttpStatusCode.BadRequest, "invalid-body");
        using var unknown = await _gateway.Data.SendJsonAsync(HttpMethod.Post, "/portal/v1/access-requests/ar-nothing/approve", """{"reason":"x"}""", token: _approverToken);
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound, "entity-not-found");
        using var anonymous = await _gateway.Data.SendJsonAsync(HttpMethod.Get, "/portal/v1/access-requests");
        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Unauthorized, "token-missing");
    }

    [Theory]
    [InlineData("""{"service":"no-such","purposes":[{"purpose":"credit-assessment","legalBasis":"x"}]}""", "service")]
    [InlineData("""{"service":"enterprise","purposes":[]}""", "purposes")]
    [InlineData("""{"service":"enterprise","purposes":[{"purpose":"credit-assessment","legalBasis":""}]}""", "purposes")]
    [InlineData("""{"service":"enterprise","methods":["DELETE"],"purposes":[{"purpose":"credit-assessment","legalBasis":"x"}]}""", "methods")]
    [InlineData("""{"service":"enterprise","purposes":[{"purpose":"credit-assessment","legalBasis":"x"}],"validUntil":"2001-01-01T00:00:00Z"}""", "validUntil")]
    [InlineData("""{"service":"enterprise","purposes":"everything"}""", "purposes")]
    [InlineData("""{"service":"enterprise"}""", "purposes")]
    [InlineData("""{"service":"enterprise","purposes":[null]}""", "purposes")]
    [InlineData("""{"service":"enterprise","methods":[null],"purposes":[{"purpose":"credit-assessment","legalBasis":"x"}]}""", "methods")]
    [InlineData("""{"purposes":[{"purpose":"credit-assessment","legalBasis":"x"}]}""", "service")]
    [InlineData("""{"service":"enterprise","purposes":[{"purpose":"Credit assessment","legalBasis":"x"}]}""", "purposes")]
    public async Task A_bad_request_is_refused_naming_the_field_and_stores_nothing(string body, string field)
    {
        using var response = await _gateway.Data.SendJsonAsync(HttpMethod.Post, "/portal/v1/access-requests", body, token: await _gateway.Data.TokenAsync("viettel-sim"));

        var problem = await ProblemAssert.IsProblemAsync(response, response.StatusCode == HttpStatusCode.UnprocessableEntity ? HttpStatusCode.UnprocessableEntity : HttpStatusCode.BadRequest,
            response.StatusCode == HttpStatusCode.UnprocessableEntity ? "registry-invalid" : "invalid-body");
        Assert.Contains(field, problem.GetProperty("errors")[0].GetProperty("field").GetString(), StringComparison.Ordinal);
        using var list = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/access-requests"));
        Assert.Equal(0, list.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task An_agency_cannot_ask_for_its_own_service()
    {
        using var own = await _gateway.Data.SendJsonAsync(HttpMethod.Post, "/portal/v1/access-requests",
            """{"service":"enterprise","purposes":[{"purpose":"credit-assessment","legalBasis":"x"}]}""", token: _approverToken);

        var problem = await ProblemAssert.IsProblemAsync(own, HttpStatusCode.BadRequest, "invalid-body");
        Assert.Equal("service", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task One_person_cannot_approve_for_the_provider_and_for_the_platform()
    {
        var workflow = _gateway.Services.GetRequiredService<AccessRequestWorkflow>();
        var request = await workflow.SubmitAsync(new AuditActor("portal:vn-staff", "VIETTEL", null), "VIETTEL",
            new AccessRequestInput("enterprise", [new() { Purpose = "credit-assessment", LegalBasis = "contract" }], 10, null), CancellationToken.None);
        await workflow.DecideAsProviderAsync(new AuditActor("portal:jane", "BKHDT", null), "BKHDT", request.Id, approve: true, "fine", CancellationToken.None);

        var refusal = await Assert.ThrowsAsync<Gateway.Admin.AdminRefusal>(() =>
            workflow.DecideAsOperatorAsync(new AuditActor("console:jane", "NDXP", null), request.Id, approve: true, "fine by me too", null, CancellationToken.None));

        Assert.Equal(Problems.ProblemKind.SecondApproverRequired, refusal.Kind);

        // Nor an operator who works for the consumer or the provider: the platform's eyes are nobody's party.
        foreach (var party in new[] { "VIETTEL", "BKHDT" })
        {
            var partisan = await Assert.ThrowsAsync<Gateway.Admin.AdminRefusal>(() =>
                workflow.DecideAsOperatorAsync(new AuditActor("console:someone-else", party, null), request.Id, approve: true, "fine", null, CancellationToken.None));
            Assert.Equal(Problems.ProblemKind.SecondApproverRequired, partisan.Kind);
        }

        var approved = await workflow.DecideAsOperatorAsync(new AuditActor("console:platform", "NDXP", null), request.Id, approve: true, "fine", null, CancellationToken.None);
        Assert.Equal(request.Id, approved.GrantId);
    }

    [Fact]
    public async Task The_catalogue_lists_services_with_their_contract_and_a_declarative_apply_keeps_the_requests()
    {
        var viettel = await _gateway.Data.TokenAsync("viettel-sim");
        var id = await SubmitAsync(viettel);
        await _gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/api-documents", """{"service":"enterprise","document":{"openapi":"3.1.0","info":{"title":"Enterprise","version":"1"},"paths":{}}}""");
        using var badDocument = await _gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/api-documents/enterprise", """{"service":"enterprise","document":{"swagger":"2.0"}}""", ifMatch: "*");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badDocument.StatusCode);

        using var catalogue = JsonDocument.Parse(await (await _gateway.Data.CallAsync(HttpMethod.Get, "/portal/v1/catalogue", viettel)).Content.ReadAsStringAsync());
        var enterprise = catalogue.RootElement.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "enterprise");
        Assert.Equal("BKHDT", enterprise.GetProperty("provider").GetString());
        using var contract = await _gateway.Data.CallAsync(HttpMethod.Get, enterprise.GetProperty("openApi").GetString()!, viettel);
        Assert.Equal("3.1.0", JsonDocument.Parse(await contract.Content.ReadAsStringAsync()).RootElement.GetProperty("openapi").GetString());

        // Exported and applied back, the registry still holds the request (a file neither carries nor removes them).
        using var export = await _gateway.Admin.GetAsync("/admin/v1/registry");
        var file = await export.Content.ReadAsStringAsync();
        Assert.DoesNotContain(id, file, StringComparison.Ordinal);
        using var apply = await _gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/registry", file, ifMatch: export.Headers.ETag!.ToString());
        Assert.True(apply.IsSuccessStatusCode, await apply.Content.ReadAsStringAsync());
        using var list = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/access-requests"));
        Assert.Contains(list.RootElement.EnumerateArray(), r => r.GetProperty("request").GetProperty("id").GetString() == id);
        // Nor the contract the provider published.
        Assert.DoesNotContain("\"apiDocuments\":[{", file, StringComparison.Ordinal);
        using var kept = await _gateway.Data.CallAsync(HttpMethod.Get, "/portal/v1/catalogue/enterprise/openapi", viettel);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    private async Task<string> SubmitAsync(string token)
    {
        using var submitted = await _gateway.Data.SendJsonAsync(HttpMethod.Post, "/portal/v1/access-requests",
            """{"service":"enterprise","purposes":[{"purpose":"credit-assessment","legalBasis":"Law on Credit Institutions, art. 12"}],"expectedDailyCalls":100}""", token: token);
        var view = await JsonAsync(submitted, HttpStatusCode.Created);
        Assert.Equal("awaiting-provider", view.GetProperty("state").GetString());
        Assert.True(view.GetProperty("workingDaysLeft").GetInt32() >= 9);
        return view.GetProperty("request").GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
