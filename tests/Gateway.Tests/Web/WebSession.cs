using System.Net;
using System.Text.RegularExpressions;
using Ndxp.Gateway.DemoProviders.StaffIdentity;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Web;

/// <summary>
/// A person's session in the console or portal without a browser: an HttpClient with cookies that signs in through the
/// demo staff authority's form, then reads pages and posts their forms with the page's anti-forgery token. Follows no
/// redirect, so a test sees each answer.
/// </summary>
internal sealed partial class WebSession : IDisposable
{
    private readonly HttpClient _client;

    private WebSession(CookieContainer cookies, System.Net.Security.RemoteCertificateValidationCallback? trust)
    {
        Cookies = cookies;
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies, UseCookies = true };
        if (trust is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = trust;
        }

        _client = new HttpClient(handler);
    }

    public CookieContainer Cookies { get; }

    /// <summary>The settings that make a workspace's gateway sign in against its demo providers' staff authority.</summary>
    public static string[] SignInSettings(GatewayWorkspace workspace) =>
    [
        $"--SignIn:Authority={DemoStaffIdentity.IssuerFor(workspace.ProvidersUrl)}",
        "--SignIn:RequireHttpsMetadata=false",
        // The tests reach the gateway over plain HTTP, where Secure cookies are kept but never sent back.
        "--SignIn:SecureCookies=false",
        $"--SignIn:Console:ClientId={DemoStaffIdentity.ConsoleClientId}",
        $"--SignIn:Console:ClientSecret={DemoStaffIdentity.ConsoleClientSecret}",
        $"--SignIn:Portal:ClientId={DemoStaffIdentity.PortalClientId}",
        $"--SignIn:Portal:ClientSecret={DemoStaffIdentity.PortalClientSecret}",
    ];

    /// <summary>
    /// Signs <paramref name="username"/> in at <paramref name="area"/> (e.g. http://localhost:1234/console/); over https,
    /// <paramref name="trust"/> accepts the gateway's test certificate.
    /// </summary>
    public static async Task<WebSession> SignInAsync(string area, string username, System.Net.Security.RemoteCertificateValidationCallback? trust = null)
    {
        var session = new WebSession(new CookieContainer(), trust);
        var client = session._client;
        using var challenge = await client.GetAsync(area);
        Assert.Equal(HttpStatusCode.Found, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        var form = await client.GetStringAsync(authorize);
        var fields = HiddenInput().Matches(form).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["username"] = username;
        fields["password"] = DemoStaffIdentity.DemoPassword;
        using var signedIn = await client.PostAsync(new Uri(authorize, authorize.AbsolutePath), new FormUrlEncodedContent(fields));
        Assert.True(signedIn.StatusCode == HttpStatusCode.Found, await signedIn.Content.ReadAsStringAsync());
        using var callback = await client.GetAsync(signedIn.Headers.Location);
        Assert.True(callback.StatusCode == HttpStatusCode.OK, $"{(int)callback.StatusCode} {await callback.Content.ReadAsStringAsync()}");
        return session;
    }

    public Task<HttpResponseMessage> GetAsync(string url) => _client.GetAsync(url);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _client.SendAsync(request);

    /// <summary>Posts a form of <paramref name="page"/> to its <paramref name="handler"/> with the anti-forgery token the page gave.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string handler, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true)
    {
        var html = await _client.GetStringAsync(page);
        var all = fields.ToList();
        if (withToken)
        {
            all.Add(new("__RequestVerificationToken", AntiForgeryToken().Match(html).Groups[1].Value));
        }

        return await _client.PostAsync($"{page}?handler={handler}", new FormUrlEncodedContent(all));
    }

    /// <summary>The demo user's subject at the demo authority: how the audit trail names them.</summary>
    public static string Subject(string username) => DemoStaffUsers.Find(username)!.Subject;

    /// <summary>The text of an error the page shows (role="alert"), or null.</summary>
    public static string? ErrorOf(string html) => Alert().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("""<input type="hidden" name="([^"]+)" value="([^"]*)">""")]
    private static partial Regex HiddenInput();

    [GeneratedRegex(""""name="__RequestVerificationToken" type="hidden" value="([^"]+)"""")]
    private static partial Regex AntiForgeryToken();

    [GeneratedRegex("""role="alert">([^<]*)<""")]
    private static partial Regex Alert();
}
