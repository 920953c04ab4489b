using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Ndxp.Gateway.DemoProviders.StaffIdentity;

namespace Ndxp.Gateway.Tests.DemoProviders;

/// <summary>
/// Drives the stand-in staff authority as a browser and ASP.NET Core's OpenID Connect handler do: the handler's
/// authorization request, the sign-in form posted back with its hidden fields, and the handler's token request. Follows
/// no redirect, so a test sees each answer itself.
/// </summary>
internal sealed class DemoStaffBrowser : IDisposable
{
    public const string ConsoleRedirect = "https://gateway.example:8443/console/signin-oidc";
    public const string PortalRedirect = "http://127.0.0.1:5000/portal/signin-oidc";

    public DemoStaffBrowser(string providersUrl)
    {
        Issuer = DemoStaffIdentity.IssuerFor(providersUrl);
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(providersUrl) };
    }

    public string Issuer { get; }

    public HttpClient Client { get; }

    public static string ChallengeOf(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>GET authorize with these query parameters.</summary>
    public Task<HttpResponseMessage> AuthorizeAsync(IEnumerable<KeyValuePair<string, string>> parameters) =>
        Client.GetAsync(QueryHelpers.AddQueryString(DemoStaffIdentity.PathBase + "/authorize", parameters.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))));

    /// <summary>POST authorize: the sign-in form's hidden fields, then the username and password typed.</summary>
    public async Task<HttpResponseMessage> SignInAsync(IEnumerable<KeyValuePair<string, string>> fields, string username, string password)
    {
        using var form = new FormUrlEncodedContent([.. fields, new("username", username), new("password", password)]);
        return await Client.PostAsync(DemoStaffIdentity.PathBase + "/authorize", form);
    }

    /// <summary>Signs <paramref name="username"/> in with <paramref name="request"/> in query mode and returns the code.</summary>
    public async Task<string> CodeAsync(StaffSignIn request, string username = "operator")
    {
        using var response = await SignInAsync(request.Parameters(), username, DemoStaffIdentity.DemoPassword);
        Assert.True(HttpStatusCode.Redirect == response.StatusCode, await response.Content.ReadAsStringAsync());
        var answer = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        return answer["code"].ToString();
    }

    /// <summary>The token request the handler sends (client_secret_post), or with HTTP Basic when <paramref name="basic"/>.</summary>
    public async Task<HttpResponseMessage> RedeemAsync(
        string code, StaffSignIn request, string? secret = null, string? verifier = null, string? redirectUri = null, bool basic = false)
    {
        var message = new OpenIdConnectMessage
        {
            GrantType = OpenIdConnectGrantTypes.AuthorizationCode,
            Code = code,
            RedirectUri = redirectUri ?? request.RedirectUri,
        };
        message.SetParameter("code_verifier", verifier ?? request.Verifier);
        secret ??= request.ClientId == DemoStaffIdentity.ConsoleClientId ? DemoStaffIdentity.ConsoleClientSecret : DemoStaffIdentity.PortalClientSecret;
        using var token = new HttpRequestMessage(HttpMethod.Post, DemoStaffIdentity.PathBase + "/token");
        if (basic)
        {
            var pair = Uri.EscapeDataString(request.ClientId) + ":" + Uri.EscapeDataString(secret);
            token.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        else
        {
            message.ClientId = request.ClientId;
            message.ClientSecret = secret;
        }

        token.Content = new FormUrlEncodedContent(message.Parameters);
        return await Client.SendAsync(token);
    }

    /// <summary>Redeems the code as the handler does and returns the parsed token answer.</summary>
    public async Task<OpenIdConnectMessage> TokensAsync(string code, StaffSignIn request)
    {
        using var response = await RedeemAsync(code, request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(HttpStatusCode.OK == response.StatusCode, body);
        return new OpenIdConnectMessage(body);
    }

    public void Dispose() => Client.Dispose();
}

/// <summary>One authorization request as ASP.NET Core's OpenID Connect handler builds it, with its own PKCE pair and nonce.</summary>
internal sealed record StaffSignIn(string ClientId, string RedirectUri, string ResponseMode)
{
    public string State { get; init; } = "CfDJ8-handler-state-" + Guid.NewGuid().ToString("N");

    // The handler's nonce carries a timestamp that its protocol validator reads back.
    public string Nonce { get; init; } = new OpenIdConnectProtocolValidator().GenerateNonce();

    public string Verifier { get; init; } = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static StaffSignIn Console(string responseMode = "query") => new(DemoStaffIdentity.ConsoleClientId, DemoStaffBrowser.ConsoleRedirect, responseMode);

    public static StaffSignIn Portal(string responseMode = "query") => new(DemoStaffIdentity.PortalClientId, DemoStaffBrowser.PortalRedirect, responseMode);

    public Dictionary<string, string> Parameters() => new()
    {
        ["client_id"] = ClientId,
        ["redirect_uri"] = RedirectUri,
        ["response_type"] = "code",
        ["scope"] = "openid profile",
        ["response_mode"] = ResponseMode,
        ["nonce"] = Nonce,
        ["state"] = State,
        ["code_challenge"] = DemoStaffBrowser.ChallengeOf(Verifier),
        ["code_challenge_method"] = "S256",
        ["x-client-SKU"] = "ID_NET9_0",
        ["x-client-ver"] = "8.0.1.0",
    };
}
