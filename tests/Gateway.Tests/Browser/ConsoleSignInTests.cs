using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Ndxp.Gateway.DemoProviders.StaffIdentity;
using Ndxp.Gateway.Tests.Infrastructure;
using Ndxp.Gateway.Tests.Web;
using static Microsoft.Playwright.Assertions;

namespace Ndxp.Gateway.Tests.Browser;

/// <summary>
/// The console and portal in Chromium, signed in through the demo staff authority. The gateway is addressed as
/// <c>localhost</c> while the authority is on <c>127.0.0.1</c>: two sites, as in a deployment, so every sign-in here also
/// proves that the SameSite=Strict session survives the way back from another site.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleSignInTests(BrowserFixture browser)
{
    [Fact]
    public async Task Operator_is_sent_to_the_authority_and_signs_in_across_sites_onto_the_dashboard()
    {
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var gateway = await workspace.StartGatewayAsync(WebSession.SignInSettings(workspace));

        await browser.RunAsync(async page =>
        {
            var form = await DemoStaffSignIn.SignInAsync(page, ConsoleUrl(gateway), "operator");

            Assert.StartsWith(DemoStaffIdentity.IssuerFor(workspace.ProvidersUrl) + "/authorize?", form, StringComparison.Ordinal);
            await Expect(page).ToHaveURLAsync(ConsoleUrl(gateway));
            await Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
            var navigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
            foreach (var section in (string[])["Agencies", "Clients", "Services", "Grants"])
            {
                await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = section, Exact = true })).ToBeVisibleAsync();
            }

            var session = Assert.Single(await page.Context.CookiesAsync(), cookie => cookie.Name == "ndxp-console");
            Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        });
    }

    [Fact]
    public async Task Every_console_page_passes_the_WCAG_2_1_AA_rules_of_axe()
    {
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var gateway = await workspace.StartGatewayAsync(WebSession.SignInSettings(workspace));

        await browser.RunAsync(async page =>
        {
            await DemoStaffSignIn.SignInAsync(page, ConsoleUrl(gateway), "operator");

            await AxeCheck.AssertAccessibleAsync(page, ConsolePages.Select(path => ConsoleUrl(gateway, path)));
        });
    }

    [Fact]
    public async Task Every_portal_page_passes_the_WCAG_2_1_AA_rules_of_axe_for_staff_and_approvers()
    {
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var gateway = await workspace.StartGatewayAsync(WebSession.SignInSettings(workspace));
        var portal = $"http://localhost:{gateway.DataPort}/portal/";

        foreach (var person in (string[])["vcb-staff", "bkhdt-approver"])
        {
            await browser.RunAsync(async page =>
            {
                await DemoStaffSignIn.SignInAsync(page, portal, person);

                await AxeCheck.AssertAccessibleAsync(page, PortalPages.Select(path => portal + path));
            }, $"{nameof(Every_portal_page_passes_the_WCAG_2_1_AA_rules_of_axe_for_staff_and_approvers)}_{person}");
        }
    }

    [Fact]
    public async Task Person_without_the_operator_role_gets_the_access_denied_page_and_never_the_dashboard()
    {
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var gateway = await workspace.StartGatewayAsync(WebSession.SignInSettings(workspace));

        await browser.RunAsync(async page =>
        {
            await DemoStaffSignIn.SignInAsync(page, ConsoleUrl(gateway), "vcb-staff");
            await Expect(page).ToHaveURLAsync(new Regex("/console/denied"));
            var again = await page.GotoAsync(ConsoleUrl(gateway));

            Assert.Equal((int)HttpStatusCode.Forbidden, again!.Status);
            Assert.Equal("/console/denied", new Uri(page.Url).AbsolutePath);
            await Expect(page.Locator("h1")).ToHaveTextAsync("Access denied");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Navigation)).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task First_Tab_on_the_dashboard_focuses_the_skip_link_and_Enter_moves_focus_to_main()
    {
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var gateway = await workspace.StartGatewayAsync(WebSession.SignInSettings(workspace));

        await browser.RunAsync(async page =>
        {
            await DemoStaffSignIn.SignInAsync(page, ConsoleUrl(gateway), "operator");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");

            await page.Keyboard.PressAsync("Tab");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("main")).ToBeFocusedAsync();
        });
    }

    [Fact]
    public async Task Agency_staff_signs_in_to_the_portal_and_sees_its_overview()
    {
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var gateway = await workspace.StartGatewayAsync(WebSession.SignInSettings(workspace));
        var portal = $"http://localhost:{gateway.DataPort}/portal/";

        await browser.RunAsync(async page =>
        {
            await DemoStaffSignIn.SignInAsync(page, portal, "vcb-staff");

            await Expect(page).ToHaveURLAsync(portal);
            await Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
            await Expect(page.Locator("header")).ToContainTextAsync("Trần Văn Minh (demo, Vietcombank)");
            await Expect(page.Locator("main")).ToContainTextAsync("VCB");
        });
    }

    [Fact]
    public async Task Console_is_not_served_on_the_data_port()
    {
        await using var workspace = await GatewayWorkspace.CreateAsync();
        var gateway = await workspace.StartGatewayAsync(WebSession.SignInSettings(workspace));

        using var response = await gateway.Data.GetAsync("/console/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static readonly string[] ConsolePages = ["", "agencies", "clients", "services", "grants", "requests", "revocations", "audit", "audit?handler=verify", "usage"];

    private static readonly string[] PortalPages = ["", "catalogue", "requests", "usage"];

    private static string ConsoleUrl(TestGateway gateway, string path = "") => $"http://localhost:{gateway.AdminPort}/console/{path}";
}
