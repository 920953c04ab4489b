using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace Ndxp.Gateway.DemoProviders.StaffIdentity;

/// <summary>
/// DEMO ONLY: the authorization endpoint (OpenID Connect Core 1.0 section 3.1.2): <c>GET</c> checks the request and
/// shows the sign-in form; <c>POST</c> checks the request again, then the password, and answers the code.
/// </summary>
internal static class DemoStaffSignIn
{
    /// <summary>
    /// The form carries the request back, and the handler's <c>state</c> (its data-protected properties) alone can
    /// reach a kilobyte or two: a generous bound, still far below anything that costs the process.
    /// </summary>
    private const long MaxFormBytes = 16 * 1024;

    public static IResult ShowForm(HttpContext context) =>
        DemoStaffAuthorization.TryRead(name => context.Request.Query[name], out var request, out var refusal)
            ? DemoStaffPages.SignIn(context, request, username: null, failed: false)
            : refusal;

    public static async Task<IResult> SignInAsync(HttpContext context, DemoStaffCodeStore codes, DemoStaffTokenIssuer issuer, TimeProvider timeProvider)
    {
        var (form, unread) = await DemoForm.ReadAsync(context, MaxFormBytes);
        if (form is null)
        {
            return DemoProblems.UnreadForm(unread, "A sign-in", "the sign-in form's fields", MaxFormBytes);
        }

        if (!DemoStaffAuthorization.TryRead(name => form[name], out var request, out var refusal))
        {
            return refusal;
        }

        var username = form["username"] is { Count: 1 } name ? name.ToString().Trim() : null;
        var user = username is null ? null : DemoStaffUsers.Find(username);
        if (user is null || form["password"] is not { Count: 1 } password
            || !DemoSecret.Matches(password.ToString(), DemoStaffIdentity.DemoPassword))
        {
            // The form again, with 200: a 401 must carry a WWW-Authenticate challenge (RFC 9110 section 15.5.2), and no
            // HTTP authentication scheme describes an HTML form. Which of the two was wrong is not said.
            return DemoStaffPages.SignIn(context, request, username, failed: true);
        }

        if (codes.Issue(new DemoStaffGrant(request, user, timeProvider.GetUtcNow())) is not { } code)
        {
            context.Response.Headers.RetryAfter = ((int)DemoStaffCodeStore.Lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return DemoProblems.Of(503, "too-many-codes", "Too many sign-ins in progress",
                $"At most {codes.Capacity} codes wait to be redeemed at once; each expires within {DemoStaffCodeStore.Lifetime.TotalSeconds} s.");
        }

        // RFC 6749 section 4.1.2, with the issuer as RFC 9207 adds it.
        var response = new List<KeyValuePair<string, string>> { new("code", code) };
        if (request.State is not null)
        {
            response.Add(new("state", request.State));
        }

        response.Add(new("iss", issuer.Issuer));
        if (request.FormPost)
        {
            return DemoStaffPages.FormPost(context, request, response);
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(QueryHelpers.AddQueryString(request.RedirectUri, response.Select(field => KeyValuePair.Create(field.Key, (string?)field.Value))));
    }
}
