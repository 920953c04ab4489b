using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Ndxp.Gateway.DemoProviders.StaffIdentity;

/// <summary>
/// DEMO ONLY: the stand-in staff authority's HTML pages. Self-contained (no external asset) and accessible (landmarks,
/// labels, contrast above WCAG AA), with everything echoed HTML-encoded and a Content-Security-Policy that allows only
/// their own inline style and script and lets their forms go nowhere but where they must.
/// </summary>
internal static class DemoStaffPages
{
    private const string Style =
        "body{margin:0;font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a;background:#fff}"
        + "main{max-width:44rem;margin:0 auto;padding:1rem}"
        + ".demo{padding:.5rem 1rem;border:2px solid #7a5b00;background:#fff4c2}"
        + ".error{color:#a00000;font-weight:bold}"
        + "label{display:block;margin-top:1rem;font-weight:bold}"
        + "input{font:inherit;padding:.4rem;width:100%;max-width:20rem;border:1px solid #555}"
        + "button{font:inherit;margin-top:1rem;padding:.5rem 1.5rem;border:0;border-radius:4px;color:#fff;background:#0b4f8a}"
        + "input:focus,button:focus{outline:3px solid #b35900;outline-offset:2px}"
        + "table{border-collapse:collapse}th,td{padding:.25rem .5rem;border:1px solid #767676;text-align:left}";

    // The form_post answer submits itself (OAuth 2.0 Form Post Response Mode, section 2); its button is for browsers without script.
    private const string AutoSubmit = "document.forms[0].submit()";

    private const string ErrorId = "sign-in-error";

    private const string DemoNotice =
        "<p class=\"demo\"><strong>DEMO ONLY.</strong> This is a stand-in sign-in for the NDXP demo: its users are made up, "
        + "their password is printed on this page, and it must never be used in a real deployment.</p>";

    private static readonly string StyleSource = HashSource(Style);
    private static readonly string ScriptSource = HashSource(AutoSubmit);

    // Every character that is not markup stays as it is, so the Vietnamese names read as themselves in the source too.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>The sign-in form, carrying <paramref name="request"/> in hidden fields; after a failed try, with its error.</summary>
    public static IResult SignIn(HttpContext context, DemoStaffAuthorization request, string? username, bool failed)
    {
        var body = new StringBuilder();
        body.Append($"<h1>Sign in to {E(request.Client.DisplayName)}</h1>");
        body.Append(DemoNotice);
        if (failed)
        {
            body.Append($"<p id=\"{ErrorId}\" class=\"error\" role=\"alert\">The username or password is wrong. Try one of the demo users below.</p>");
        }

        var invalid = failed ? $" aria-invalid=\"true\" aria-describedby=\"{ErrorId}\"" : "";
        body.Append($"<form method=\"post\" action=\"{E(context.Request.PathBase + context.Request.Path)}\">");
        AppendHidden(body, request.FormFields());
        body.Append($"<label for=\"username\">Username</label><input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" required value=\"{E(username ?? "")}\"{invalid}>");
        body.Append($"<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required{invalid}>");
        body.Append("<button type=\"submit\">Sign in</button></form>");

        body.Append("<h2>Demo users</h2>");
        body.Append($"<p>Every demo user's password is <code>{E(DemoStaffIdentity.DemoPassword)}</code>.</p>");
        body.Append("<table><caption>Who you can sign in as</caption><thead><tr><th scope=\"col\">Username</th><th scope=\"col\">Name</th><th scope=\"col\">Agency</th><th scope=\"col\">Roles</th></tr></thead><tbody>");
        foreach (var user in DemoStaffUsers.All)
        {
            var roles = user.Roles.IsEmpty ? "none" : string.Join(", ", user.Roles);
            body.Append($"<tr><td><code>{E(user.Username)}</code></td><td>{E(user.Name)}</td><td>{E(user.Agency)}</td><td>{E(roles)}</td></tr>");
        }

        body.Append("</tbody></table>");
        // A sign-in that succeeds answers a redirect to the front end, which the browser checks against form-action too.
        return Page(context, $"Sign in: {request.Client.DisplayName} (demo only)", body.ToString(),
            $"'self' {SourceOf(request.RedirectUri)}");
    }

    /// <summary>The authorization response as a form that posts itself to the front end's redirect URI.</summary>
    public static IResult FormPost(HttpContext context, DemoStaffAuthorization request, IEnumerable<KeyValuePair<string, string>> response)
    {
        var body = new StringBuilder();
        body.Append($"<h1>Returning to {E(request.Client.DisplayName)}</h1>");
        body.Append(DemoNotice);
        body.Append($"<form method=\"post\" action=\"{E(request.RedirectUri)}\">");
        AppendHidden(body, response);
        body.Append("<p>You are signed in. If your browser does not go on by itself, continue by hand.</p>");
        body.Append("<button type=\"submit\">Continue</button></form>");
        return Page(context, $"Returning to {request.Client.DisplayName} (demo only)", body.ToString(),
            SourceOf(request.RedirectUri), script: true);
    }

    /// <summary>What a sign-out answers when it has nowhere acceptable to send the browser back to.</summary>
    public static IResult SignedOut(HttpContext context) => Page(context, "Signed out (demo only)",
        "<h1>You are signed out</h1>" + DemoNotice + "<p>You can close this page, or go back to the console or portal and sign in again.</p>",
        "'none'");

    private static IResult Page(HttpContext context, string title, string main, string formAction, bool script = false)
    {
        var headers = context.Response.Headers;
        // A page that carries an authorization request or a code is neither cached nor framed, and leaks no Referer.
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = $"default-src 'none'; style-src {StyleSource}; script-src {(script ? ScriptSource : "'none'")}; "
            + $"form-action {formAction}; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        var html = $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + $"<title>{E(title)}</title><style>{Style}</style></head><body><main>{main}</main>"
            + (script ? $"<script>{AutoSubmit}</script>" : "") + "</body></html>";
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8);
    }

    private static void AppendHidden(StringBuilder body, IEnumerable<KeyValuePair<string, string>> fields)
    {
        foreach (var (name, value) in fields)
        {
            body.Append($"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">");
        }
    }

    /// <summary>
    /// The redirect URI's origin as a CSP source; for an IPv6 literal, which CSP host sources cannot name, its scheme.
    /// </summary>
    private static string SourceOf(string redirectUri)
    {
        var uri = new Uri(redirectUri);
        return uri.HostNameType == UriHostNameType.IPv6 ? uri.Scheme + ":" : uri.GetLeftPart(UriPartial.Authority);
    }

    private static string HashSource(string inline) => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline)))}'";

    private static string E(string text) => Html.Encode(text);
}
