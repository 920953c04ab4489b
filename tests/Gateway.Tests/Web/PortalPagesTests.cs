using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Web;

/// <summary>
/// The portal's pages over HTTP as agencies' staff: a request needs a purpose with its legal basis, only the providing
/// agency's approvers decide first or publish a service's contract, and an agency sees only its own usage.
/// </summary>
public sealed class PortalPagesTests : IAsyncLifetime
{
    private GatewayWorkspace? _workspace;
    private TestGateway? _gateway;

    private string Portal => $"http://localhost:{_gateway!.DataPort}/portal";

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _gateway = await _workspace.StartGatewayAsync(WebSession.SignInSettings(_workspace));
        _gateway.Admin.DefaultRequestHeaders.Authorization = new("Bearer", await _gateway.Data.TokenAsync("ops-console"));
    }

    public async Task DisposeAsync() => await _workspace!.DisposeAsync();

    [Fact]
    public async Task A_request_without_a_legal_basis_is_refused_on_the_page_and_not_stored()
    {
        using var staff = await WebSession.SignInAsync(Portal + "/", "vcb-staff");

        using var refused = await staff.PostFormAsync(Portal + "/requests", "submit",
            [new("service", "enterprise"), new("Purposes[0].Purpose", "credit-assessment"), new("Purposes[0].LegalBasis", ""), new("expectedDailyCalls", "10")]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("legal basis", WebSession.ErrorOf(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var unreadable = await staff.PostFormAsync(Portal + "/requests", "submit",
            [new("service", "enterprise"), new("Purposes[0].Purpose", "credit-assessment"), new("Purposes[0].LegalBasis", "x"), new("expectedDailyCalls", "many")]);
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        using var usageToTheEndOfTime = await staff.GetAsync(Portal + "/usage?from=2026-01-01&to=9999-12-31");
        Assert.Equal(HttpStatusCode.BadRequest, usageToTheEndOfTime.StatusCode);
        using var list = JsonDocument.Parse(await _gateway!.Admin.GetStringAsync("/admin/v1/access-requests"));
        Assert.Equal(0, list.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Only_the_providing_agencys_approver_decides_first()
    {
        using var staff = await WebSession.SignInAsync(Portal + "/", "vcb-staff");
        using var submitted = await staff.PostFormAsync(Portal + "/requests", "submit",
            [new("service", "enterprise"), new("Purposes[0].Purpose", "credit-assessment"), new("Purposes[0].LegalBasis", "Law on Credit Institutions"), new("expectedDailyCalls", "10")]);
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        using var list = JsonDocument.Parse(await _gateway!.Admin.GetStringAsync("/admin/v1/access-requests"));
        var id = list.RootElement[0].GetProperty("request").GetProperty("id").GetString()!;
        Assert.Equal("portal:" + WebSession.Subject("vcb-staff"), list.RootElement[0].GetProperty("request").GetProperty("requestedBy").GetString());

        using var notApprover = await staff.PostFormAsync(Portal + "/requests", "decide", [new("id", id), new("decision", "approve"), new("reason", "mine")]);
        Assert.Equal(HttpStatusCode.Forbidden, notApprover.StatusCode);
        using var otherAgency = await WebSession.SignInAsync(Portal + "/", "bca-approver");
        using var wrongProvider = await otherAgency.PostFormAsync(Portal + "/requests", "decide", [new("id", id), new("decision", "approve"), new("reason", "not ours")]);
        Assert.Equal(HttpStatusCode.Forbidden, wrongProvider.StatusCode);
        using var provider = await WebSession.SignInAsync(Portal + "/", "bkhdt-approver");
        using var reasonless = await provider.PostFormAsync(Portal + "/requests", "decide", [new("id", id), new("decision", "approve"), new("reason", "")]);
        Assert.Equal(HttpStatusCode.BadRequest, reasonless.StatusCode);

        using var undecided = await provider.PostFormAsync(Portal + "/requests", "decide", [new("id", id), new("decision", "maybe"), new("reason", "Lawful")]);
        Assert.Equal(HttpStatusCode.BadRequest, undecided.StatusCode);

        using var approved = await provider.PostFormAsync(Portal + "/requests", "decide", [new("id", id), new("decision", "approve"), new("reason", "Lawful")]);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        using var state = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/access-requests"));
        Assert.Equal("awaiting-operator", state.RootElement[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Only_the_providers_approver_publishes_a_services_contract_and_it_must_be_json()
    {
        const string Contract = """{"openapi":"3.1.0","info":{"title":"Enterprise","version":"1"},"paths":{}}""";
        using var consumer = await WebSession.SignInAsync(Portal + "/", "vcb-staff");
        using var foreign = await consumer.PostFormAsync(Portal + "/catalogue", "document", [new("service", "enterprise"), new("document", Contract)]);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);

        using var provider = await WebSession.SignInAsync(Portal + "/", "bkhdt-approver");
        using var notJson = await provider.PostFormAsync(Portal + "/catalogue", "document", [new("service", "enterprise"), new("document", "{openapi: 3")]);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        using var notOpenApi = await provider.PostFormAsync(Portal + "/catalogue", "document", [new("service", "enterprise"), new("document", """{"swagger":"2.0"}""")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notOpenApi.StatusCode);
        using var published = await provider.PostFormAsync(Portal + "/catalogue", "document", [new("service", "enterprise"), new("document", Contract)]);
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);

        using var contract = await consumer.GetAsync(Portal + "/catalogue?handler=openapi&service=enterprise");
        Assert.Equal("3.1.0", JsonDocument.Parse(await contract.Content.ReadAsStringAsync()).RootElement.GetProperty("openapi").GetString());
        using var audit = JsonDocument.Parse(await _gateway!.Admin.GetStringAsync("/admin/v1/audit?order=newest&limit=1&kind=api-document"));
        Assert.Equal("portal:" + WebSession.Subject("bkhdt-approver"), audit.RootElement.GetProperty("items")[0].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Over_tls_the_portals_session_cookie_is_secure_http_only_and_scoped_to_the_portal()
    {
        using var ca = TestCertificates.CreateCa("portal-test-ca");
        using var leaf = TestCertificates.CreateLeaf("localhost", ca, server: true);
        var server = TestCertificates.WritePem(leaf, _workspace!.Directory, "portal-tls");
        var tls = await _workspace.StartGatewayAsync([.. WebSession.SignInSettings(_workspace), $"--Gateway:TlsCertificatePath={server.Certificate}", $"--Gateway:TlsKeyPath={server.Key}"]);
        var portal = $"https://localhost:{tls.DataPort}/portal/";

        using var staff = await WebSession.SignInAsync(portal, "vcb-staff", (_, certificate, _, _) => certificate?.GetCertHashString() == leaf.GetCertHashString());

        var session = staff.Cookies.GetCookies(new Uri(portal)).Single(c => c.Name == "ndxp-portal");
        Assert.True(session.Secure);
        Assert.True(session.HttpOnly);
        Assert.Equal("/portal", session.Path);
        using var overview = await staff.GetAsync(portal);
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
    }

    [Fact]
    public async Task An_agency_sees_only_its_own_usage_whatever_the_form_asks()
    {
        foreach (var client in new[] { "vcb-ekyc", "hni-portal" })
        {
            await _gateway!.Data.StatusOfAsync("/population/v1/citizens/001099012345", await _gateway.Data.TokenAsync(client), client == "vcb-ekyc" ? "ekyc" : "public-service");
        }

        using var staff = await WebSession.SignInAsync(Portal + "/", "vcb-staff");
        var csv = await Poll.UntilAsync(async () =>
        {
            using var report = await staff.GetAsync(Portal + "/usage?handler=csv&groupBy=hour&agency=HNI");
            return await report.Content.ReadAsStringAsync();
        }, text => text.Contains("vcb-ekyc", StringComparison.Ordinal));

        // HNI's call is in the store (the operator sees it), just not in VCB's report.
        await Poll.UntilAsync(() => _gateway!.Admin.GetStringAsync("/admin/v1/usage?groupBy=hour"), all => all.Contains("hni-portal", StringComparison.Ordinal));
        Assert.DoesNotContain("hni-portal", csv, StringComparison.Ordinal);
        Assert.All(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1), row => Assert.Equal("VCB", row.Split(',')[1]));

        // The page's download link is the same report as CSV.
        using var page = await staff.GetAsync(Portal + "/usage?groupBy=hour&agency=HNI");
        var link = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(await page.Content.ReadAsStringAsync(), """<a href="([^"]+)" download>""").Groups[1].Value);
        Assert.StartsWith("?handler=csv&", link, StringComparison.Ordinal);
        using var download = await staff.GetAsync(Portal + "/usage" + link);
        Assert.Equal("text/csv", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(csv, await download.Content.ReadAsStringAsync());
    }
}
