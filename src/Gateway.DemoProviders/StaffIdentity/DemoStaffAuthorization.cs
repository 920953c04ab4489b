using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Ndxp.Gateway.DemoProviders.StaffIdentity;

/// <summary>
/// An authorization request (OpenID Connect Core 1.0 section 3.1.2.1) that the stand-in staff authority accepts: read
/// from the query of <c>GET authorize</c>, and again from the sign-in form's hidden fields, which a browser can alter.
/// </summary>
internal sealed partial record DemoStaffAuthorization(
    DemoStaffClient Client,
    string RedirectUri,
    string Scope,
    string? State,
    string? Nonce,
    string CodeChallenge,
    bool FormPost)
{
    public const string FormPostMode = "form_post";
    public const string QueryMode = "query";
    public const string S256 = "S256";

    /// <summary>
    /// Reads a request, or the 400 problem that refuses it. Every refusal is a problem page and never a redirect with
    /// <c>error=</c>, even where RFC 6749 section 4.1.2.1 would allow one: each is a mistake in the front end's own
    /// settings, which its developer should see here rather than as a failed sign-in there.
    /// </summary>
    public static bool TryRead(
        Func<string, StringValues> parameter,
        [NotNullWhen(true)] out DemoStaffAuthorization? request,
        [NotNullWhen(false)] out IResult? refusal)
    {
        request = null;
        refusal = null;
        // RFC 6749 section 3.1: a parameter is sent at most once, and one sent twice is not guessed at.
        string? Single(string name) => parameter(name) is { Count: 1 } values ? values.ToString() : null;
        bool Repeated(string name) => parameter(name).Count > 1;

        if (Single("client_id") is not { } clientId || DemoStaffClients.Find(clientId) is not { } client)
        {
            refusal = DemoProblems.Of(400, "unknown-client", "Unknown client",
                $"client_id is one of {string.Join(", ", DemoStaffClients.All.Select(c => c.Id))}.");
            return false;
        }

        var redirectUri = Single("redirect_uri");
        if (!DemoStaffClients.IsRedirectTarget(redirectUri, out var redirect) || redirect.AbsolutePath != client.SignInPath)
        {
            refusal = DemoProblems.Of(400, "bad-redirect-uri", "Unacceptable redirect_uri",
                $"The redirect_uri of {client.Id} is an absolute http(s) URI whose path is {client.SignInPath}.");
            return false;
        }

        string[] optional = ["state", "nonce", "response_mode"];
        var scope = Single("scope");
        var responseMode = Single("response_mode") ?? QueryMode;
        var problem =
            Single("response_type") != "code" ? "response_type is code: the authorization code flow is the only one."
            : scope is null || !scope.Split(' ').Contains("openid", StringComparer.Ordinal) ? "scope contains openid."
            : Single("code_challenge") is not { } challenge || !CodeChallengePattern().IsMatch(challenge)
                ? "PKCE is mandatory: code_challenge is the 43-character BASE64URL of a SHA-256 (RFC 7636 section 4.2)."
            : Single("code_challenge_method") != S256 ? "code_challenge_method is S256."
            : responseMode is not (QueryMode or FormPostMode) ? "response_mode is query or form_post."
            : optional.FirstOrDefault(Repeated) is { } repeated ? $"{repeated} is given more than once."
            : null;
        if (problem is not null)
        {
            refusal = DemoProblems.Of(400, "bad-authorization-request", "Unacceptable authorization request", problem);
            return false;
        }

        request = new(client, redirectUri!, scope!, Single("state"), Single("nonce"), Single("code_challenge")!,
            responseMode == FormPostMode);
        return true;
    }

    /// <summary>The fields that carry this request through the sign-in form, as <see cref="TryRead"/> reads them back.</summary>
    public IEnumerable<KeyValuePair<string, string>> FormFields()
    {
        yield return new("client_id", Client.Id);
        yield return new("redirect_uri", RedirectUri);
        yield return new("response_type", "code");
        yield return new("scope", Scope);
        yield return new("code_challenge", CodeChallenge);
        yield return new("code_challenge_method", S256);
        yield return new("response_mode", FormPost ? FormPostMode : QueryMode);
        if (State is not null)
        {
            yield return new("state", State);
        }

        if (Nonce is not null)
        {
            yield return new("nonce", Nonce);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex CodeChallengePattern();
}
