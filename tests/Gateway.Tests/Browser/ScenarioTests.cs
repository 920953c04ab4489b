using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Ndxp.Gateway.Tests.Infrastructure;
using Ndxp.Gateway.Tests.Web;
using static Microsoft.Playwright.Assertions;

namespace Ndxp.Gateway.Tests.Browser;

/// <summary>
/// What people do with the console and portal, in Chromium, end to end: an operator registers an agency, its client and
/// a grant and watches its first calls arrive; an agency asks for access and two approvers decide. Each person signs
/// in in a browser context of their own.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScenarioTests(BrowserFixture browser)
{
    private const string Citizen = "/population/v1/citizens/001099012345";
    private const string Enterprise = "/enterprise/v1/enterprises/0100109106";

    [Fact]
    public async Task Operator_creates_an_agency_a_client_and_a_grant_sees_the_secret_once_and_the_dashboard_shows_the_clients_first_calls()
    {
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var gateway = await workspace.StartGatewayAsync(WebSession.SignInSettings(workspace));
        var console = $"http://localhost:{gateway.AdminPort}/console";

        await browser.RunAsync(async page =>
        {
            await DemoStaffSignIn.SignInAsync(page, console + "/agencies", "operator");
            await page.Locator("#code").FillAsync("NEWBANK");
            await page.Locator("#name").FillAsync("A bank registered in the console");
            await page.Locator("#kind").SelectOptionAsync("Bank");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("NEWBANK");
            await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "NEWBANK", Exact = true })).ToBeVisibleAsync();

            await page.GotoAsync(console + "/clients");
            await page.Locator("#id").FillAsync("newbank-app");
            await page.Locator("#agency").SelectOptionAsync("NEWBANK");
            await page.Locator("#name").FillAsync("Its eKYC application");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
            var secret = (await page.Locator("#issued-secret").TextContentAsync())!.Trim();
            Assert.NotEmpty(secret);
            await page.GotoAsync(console + "/clients");
            await Expect(page.Locator("#issued-secret")).ToHaveCountAsync(0);
            Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

            await page.GotoAsync(console + "/grants");
            await page.Locator("#id").FillAsync("newbank-population");
            await page.Locator("#consumer").SelectOptionAsync("NEWBANK");
            await page.Locator("#service").SelectOptionAsync("population");
            await page.Locator("#purposes").FillAsync("ekyc");
            await page.Locator("#daily").FillAsync("1000");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "newbank-population", Exact = true })).ToBeVisibleAsync();

            // The agency's first calls, with the secret the console showed.
            var token = await gateway.Data.TokenAsync("newbank-app", secret);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, await gateway.Data.StatusOfAsync(Citizen, token, "ekyc"));
            }

            // Metering writes every second: the dashboard shows them on a reload after that.
            var clients = page.GetByRole(AriaRole.Table).Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = "newbank-app", Exact = true }) });
            await Poll.UntilAsync(async () =>
            {
                await page.GotoAsync(console + "/");
                return await clients.CountAsync();
            }, count => count > 0);
            await Expect(clients.GetByRole(AriaRole.Row, new() { NameRegex = new Regex("newbank-app NEWBANK 3") })).ToBeVisibleAsync();
            // The charts are drawn by Chart.js, served by the gateway.
            Assert.True(await page.EvaluateAsync<bool>("() => typeof Chart === 'function' && Chart.getChart(document.querySelector('canvas')) !== undefined"));
        });
    }

    [Fact]
    public async Task An_agency_finds_a_service_asks_for_access_both_approvers_approve_and_its_next_call_is_admitted()
    {
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var gateway = await workspace.StartGatewayAsync(WebSession.SignInSettings(workspace));
        var token = await gateway.Data.TokenAsync("vcb-ekyc");
        Assert.Equal(HttpStatusCode.Forbidden, await gateway.Data.StatusOfAsync(Enterprise, token, "credit-assessment"));

        var id = await RequestEnterpriseAccessAsync(gateway);
        await DecideAsync($"http://localhost:{gateway.DataPort}/portal/requests", "bkhdt-approver", id, "Approve", "Awaiting the platform operator");
        await DecideAsync($"http://localhost:{gateway.AdminPort}/console/requests", "operator", id, "Approve and create the grant", "Approved");

        Assert.Equal(HttpStatusCode.OK, await gateway.Data.StatusOfAsync(Enterprise, token, "credit-assessment"));
    }

    [Fact]
    public async Task A_request_the_provider_rejects_leaves_no_grant_and_the_platform_cannot_approve_it()
    {
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var gateway = await workspace.StartGatewayAsync(WebSession.SignInSettings(workspace));
        gateway.Admin.DefaultRequestHeaders.Authorization = new("Bearer", await gateway.Data.TokenAsync("ops-console"));

        var id = await RequestEnterpriseAccessAsync(gateway);
        await DecideAsync($"http://localhost:{gateway.DataPort}/portal/requests", "bkhdt-approver", id, "Reject", "Rejected");

        await browser.RunAsync(async page =>
        {
            await DemoStaffSignIn.SignInAsync(page, $"http://localhost:{gateway.AdminPort}/console/requests", "operator");
            await Expect(page.Locator($"#request-{id}")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Form, new() { Name = $"Decide request {id}" })).ToHaveCountAsync(0);
        });
        using var grant = await gateway.Admin.GetAsync($"/admin/v1/grants/{id}");
        Assert.Equal(HttpStatusCode.NotFound, grant.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await gateway.Data.StatusOfAsync(Enterprise, await gateway.Data.TokenAsync("vcb-ekyc"), "credit-assessment"));
    }

    /// <summary>The bank's staff find the enterprise register in the catalogue and ask for it; returns the request's id.</summary>
    private async Task<string> RequestEnterpriseAccessAsync(TestGateway gateway)
    {
        var id = "";
        await browser.RunAsync(async page =>
        {
            await DemoStaffSignIn.SignInAsync(page, $"http://localhost:{gateway.DataPort}/portal/catalogue", "vcb-staff");
            await page.GetByRole(AriaRole.Link, new() { Name = "Request access to enterprise" }).ClickAsync();
            await Expect(page.Locator("#service")).ToHaveValueAsync("enterprise");
            await page.Locator("#purpose-0").FillAsync("credit-assessment");
            await page.Locator("#basis-0").FillAsync("Law on Credit Institutions, article 12");
            await page.Locator("#expected").FillAsync("200");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send the request" }).ClickAsync();
            var notice = (await page.GetByRole(AriaRole.Status).TextContentAsync())!;
            id = Regex.Match(notice, "ar-[0-9]{8}-[0-9a-f]{8}").Value;
            Assert.NotEmpty(id);
            await Expect(page.Locator($"#request-{id}")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-state=awaiting-provider]")).ToBeVisibleAsync();
        }, nameof(RequestEnterpriseAccessAsync));
        return id;
    }

    /// <summary><paramref name="username"/> decides request <paramref name="id"/> on <paramref name="requestsPage"/> with the button named, and sees the new state.</summary>
    private Task DecideAsync(string requestsPage, string username, string id, string button, string state) =>
        browser.RunAsync(async page =>
        {
            await DemoStaffSignIn.SignInAsync(page, requestsPage, username);
            var form = page.GetByRole(AriaRole.Form, new() { Name = $"Decide request {id}" });
            await form.GetByRole(AriaRole.Textbox).First.FillAsync($"{username}: checked against the legal basis");
            await form.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(id);
            await Expect(page.Locator($"#request-{id} + dl")).ToContainTextAsync(state);
        }, $"{nameof(DecideAsync)}_{username}");
}
