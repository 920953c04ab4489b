using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Web;

/// <summary>
/// The console's pages over HTTP as a signed-in operator: changes go through the admin commit path and its audit
/// trail, refusals show on the page with a 4xx (never a 500), forms need the anti-forgery token, a new client's secret
/// is shown once, and the console is on the admin port only.
/// </summary>
public sealed class ConsolePagesTests : IAsyncLifetime
{
    private GatewayWorkspace? _workspace;
    private TestGateway? _gateway;
    private WebSession? _operator;

    private string Console => $"http://localhost:{_gateway!.AdminPort}/console";

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _gateway = await _workspace.StartGatewayAsync(WebSession.SignInSettings(_workspace));
        _gateway.Admin.DefaultRequestHeaders.Authorization = new("Bearer", await _gateway.Data.TokenAsync("ops-console"));
        _operator = await WebSession.SignInAsync(Console + "/", "operator");
    }

    public async Task DisposeAsync()
    {
        _operator?.Dispose();
        await _workspace!.DisposeAsync();
    }

    [Fact]
    public async Task An_agency_created_in_the_console_is_in_the_registry_and_the_audit_trail_under_the_operators_name()
    {
        using var created = await _operator!.PostFormAsync(Console + "/agencies", "create", [new("code", "NEWAG"), new("name", "A new agency"), new("kind", "Province")]);

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        using var agency = JsonDocument.Parse(await _gateway!.Admin.GetStringAsync("/admin/v1/agencies/NEWAG"));
        Assert.Equal("province", agency.RootElement.GetProperty("kind").GetString());
        using var audit = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/audit?order=newest&limit=1&kind=agency&id=NEWAG"));
        var entry = audit.RootElement.GetProperty("items")[0];
        Assert.Equal("console:" + WebSession.Subject("operator"), entry.GetProperty("actor").GetString());
        Assert.Equal("NDXP", entry.GetProperty("actorAgency").GetString());

        using var suspended = await _operator.PostFormAsync(Console + "/agencies", "suspend", [new("id", "NEWAG")]);
        Assert.Equal(HttpStatusCode.Redirect, suspended.StatusCode);
        using var after = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/agencies/NEWAG"));
        Assert.Equal("suspended", after.RootElement.GetProperty("status").GetString());
        using var unknown = await _operator.PostFormAsync(Console + "/agencies", "suspend", [new("id", "NO-SUCH")]);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_refused_change_shows_why_with_a_4xx_and_changes_nothing()
    {
        var before = await _gateway!.Admin.GetStringAsync("/admin/v1/registry");

        using var duplicate = await _operator!.PostFormAsync(Console + "/agencies", "create", [new("code", "VCB"), new("name", "Again"), new("kind", "Bank")]);
        using var invalid = await _operator.PostFormAsync(Console + "/agencies", "create", [new("code", "lower case"), new("name", "x"), new("kind", "Bank")]);
        using var unknownService = await _operator.PostFormAsync(Console + "/grants", "create",
            [new("Form.Id", "g-unknown"), new("Form.ConsumerAgency", "VCB"), new("Form.Service", "no-such-service")]);
        using var badKey = await _operator.PostFormAsync(Console + "/clients", "addkey", [new("id", "vcb-ekyc"), new("key", "not a key")]);

        foreach (var response in new[] { duplicate, invalid, unknownService, badKey })
        {
            var html = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}");
            Assert.False(string.IsNullOrWhiteSpace(WebSession.ErrorOf(html)), html);
        }

        Assert.Contains("already exists", WebSession.ErrorOf(await duplicate.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(before, await _gateway.Admin.GetStringAsync("/admin/v1/registry"));
    }

    [Theory]
    [InlineData(null, "vi", "Cơ quan")]
    [InlineData("en-US,en;q=0.9", "en", "Agencies")]
    [InlineData("en-US", "en", "Agencies")]
    [InlineData("fr-FR, vi;q=0.5, en;q=0.1", "vi", "Cơ quan")]
    [InlineData("vi-VN", "vi", "Cơ quan")]
    public async Task Pages_speak_the_browsers_language_by_its_language_part_else_vietnamese(string? acceptLanguage, string lang, string heading)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Console + "/agencies");
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        using var page = await _operator!.SendAsync(request);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Contains($"<html lang=\"{lang}\">", html, StringComparison.Ordinal);
        Assert.Contains($"<h1>{heading}</h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_language_switch_outranks_the_browser_and_returns_only_within_the_console()
    {
        using var switched = await _operator!.GetAsync(Console + "/language?lang=en&returnUrl=%2Fconsole%2Fgrants");
        Assert.Equal("/console/grants", switched.Headers.Location!.OriginalString);
        using var request = new HttpRequestMessage(HttpMethod.Get, Console + "/agencies");
        request.Headers.TryAddWithoutValidation("Accept-Language", "vi-VN");
        using var page = await _operator.SendAsync(request);
        Assert.Contains("<h1>Agencies</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var away = await _operator.GetAsync(Console + "/language?lang=vi&returnUrl=https%3A%2F%2Fevil.example%2F");
        Assert.Equal("/console/", away.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_sign_in_answer_that_cannot_be_used_and_an_authority_out_of_reach_show_a_page_never_a_500()
    {
        using var raw = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        using var forged = await raw.GetAsync(Console + "/signin-oidc?code=forged&state=forged");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("/console/", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var unreachable = await _workspace!.StartGatewayAsync([.. WebSession.SignInSettings(_workspace).Where(s => !s.StartsWith("--SignIn:Authority=", StringComparison.Ordinal)),
            $"--SignIn:Authority={_workspace.DeadUrl}/sso"]);
        using var challenge = await raw.GetAsync($"http://localhost:{unreachable.AdminPort}/console/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, challenge.StatusCode);
        Assert.Contains("<h1>", await challenge.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Behind_a_tls_terminating_ingress_cookies_are_secure_and_the_authority_is_given_the_public_callback()
    {
        var behindIngress = await _workspace!.StartGatewayAsync([.. WebSession.SignInSettings(_workspace).Where(s => !s.StartsWith("--SignIn:SecureCookies", StringComparison.Ordinal)),
            "--Gateway:AdminPublicUrl=https://console.ndxp.example/"]);
        using var raw = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

        using var challenge = await raw.GetAsync($"http://localhost:{behindIngress.AdminPort}/console/");

        Assert.Equal(HttpStatusCode.Found, challenge.StatusCode);
        Assert.Contains("redirect_uri=https%3A%2F%2Fconsole.ndxp.example%2Fconsole%2Fsignin-oidc", challenge.Headers.Location!.Query, StringComparison.Ordinal);
        var cookies = challenge.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, cookie => Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_dashboard_charts_the_calls_the_limits_turned_away_from_the_shared_store()
    {
        var token = await _gateway!.Data.TokenAsync("qta-app");
        for (var i = 0; i < TestRegistry.QtaDailyQuota + 2; i++)
        {
            await _gateway.Data.StatusOfAsync("/enterprise/v1/enterprises/0100109106", token);
        }

        // The limits chart's data block: one series of rate-limited calls, one of calls over quota, per service.
        var limits = await Poll.UntilAsync(async () =>
        {
            using var page = await _operator!.GetAsync(Console + "/");
            var html = await page.Content.ReadAsStringAsync();
            var json = System.Text.RegularExpressions.Regex.Match(html, """<script type="application/json" id="limits-data">([^<]+)</script>""").Groups[1].Value;
            return JsonDocument.Parse(json).RootElement.Clone();
        }, chart => chart.GetProperty("labels").EnumerateArray().Any(l => l.GetString() == "enterprise"));

        var enterprise = limits.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToList().IndexOf("enterprise");
        Assert.Equal(2, limits.GetProperty("datasets")[1].GetProperty("data")[enterprise].GetDouble());
        Assert.Equal(0, limits.GetProperty("datasets")[0].GetProperty("data")[enterprise].GetDouble());
    }

    [Fact]
    public async Task A_form_without_the_anti_forgery_token_is_refused()
    {
        using var forged = await _operator!.PostFormAsync(Console + "/agencies", "create", [new("code", "FORGED"), new("name", "x"), new("kind", "Bank")], withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var agency = await _gateway!.Admin.GetAsync("/admin/v1/agencies/FORGED");
        Assert.Equal(HttpStatusCode.NotFound, agency.StatusCode);
    }

    [Fact]
    public async Task A_new_clients_secret_is_shown_once_and_works()
    {
        using var created = await _operator!.PostFormAsync(Console + "/clients", "create", [new("id", "console-made"), new("agency", "HNI"), new("name", "Made in the console")]);
        var html = await created.Content.ReadAsStringAsync();
        var secret = System.Text.RegularExpressions.Regex.Match(html, """id="issued-secret">([^<]+)<""").Groups[1].Value;

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.NotEmpty(await _gateway!.Data.TokenAsync("console-made", WebUtility.HtmlDecode(secret)));
        Assert.True(created.Headers.CacheControl?.NoStore, "a page with a secret is never cached");
        using var again = await _operator.GetAsync(Console + "/clients");
        Assert.DoesNotContain(secret, await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_strict_and_scoped_to_the_console_which_the_data_port_does_not_serve()
    {
        var cookie = _operator!.Cookies.GetCookies(new Uri(Console + "/")).Single(c => c.Name == "ndxp-console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal("/console", cookie.Path);

        using var raw = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        using var challenge = await raw.GetAsync(Console + "/");
        Assert.Equal(HttpStatusCode.Found, challenge.StatusCode);
        Assert.Contains("code_challenge_method=S256", challenge.Headers.Location!.Query, StringComparison.Ordinal);
        using var onDataPort = await raw.GetAsync($"http://localhost:{_gateway!.DataPort}/console/");
        Assert.Equal(HttpStatusCode.NotFound, onDataPort.StatusCode);
        using var callbackOnDataPort = await raw.GetAsync($"http://localhost:{_gateway.DataPort}/console/signin-oidc?code=x&state=y");
        Assert.Equal(HttpStatusCode.NotFound, callbackOnDataPort.StatusCode);
        using var portalOnAdminPort = await raw.GetAsync(Console.Replace("/console", "/portal/", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, portalOnAdminPort.StatusCode);
    }

    [Fact]
    public async Task A_person_without_the_operator_role_gets_403_and_no_console_page()
    {
        // The authority signs in anyone with an account; the console's policy is what turns this person away.
        using var staff = await WebSession.SignInAsync(Console + "/", "vcb-staff");
        using var dashboard = await staff.GetAsync(Console + "/");
        Assert.Equal(HttpStatusCode.Found, dashboard.StatusCode);
        Assert.Equal("/console/denied", dashboard.Headers.Location!.AbsolutePath);
        using var denied = await staff.GetAsync(Console + "/denied");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.DoesNotContain("/console/agencies", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var agencies = await staff.GetAsync(Console + "/agencies");
        Assert.Equal(HttpStatusCode.Found, agencies.StatusCode);
    }
}
