using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ndxp.Gateway.DemoProviders.StaffIdentity;

/// <summary>
/// DEMO ONLY: a stand-in OpenID Connect authority for the platform's staff under <see cref="DemoStaffIdentity.PathBase"/>,
/// made for exactly what ASP.NET Core's OpenID Connect handler does with the code flow and PKCE: discovery, its key
/// set, a sign-in form at <c>authorize</c> answering in <c>query</c> or <c>form_post</c> mode, <c>token</c> for the code,
/// and <c>logout</c>. Every document it serves says <c>"demo": true</c>, and every page says DEMO ONLY.
/// </summary>
public static class DemoStaffIdentityApi
{
    /// <param name="services">The demo providers' services.</param>
    /// <param name="providersUrl">The demo providers' URL; the issuer is <see cref="DemoStaffIdentity.IssuerFor"/> of it.</param>
    public static IServiceCollection AddDemoStaffIdentity(this IServiceCollection services, string providersUrl)
    {
        // DEMO ONLY: never register this in a real deployment; anyone who reads its sign-in page can sign in as an operator.
        var issuer = DemoStaffIdentity.IssuerFor(providersUrl);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new DemoStaffCodeStore(provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new DemoStaffTokenIssuer(issuer, provider.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static IEndpointRouteBuilder MapDemoStaffIdentity(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(DemoStaffIdentity.PathBase);
        group.MapGet("/.well-known/openid-configuration", (DemoStaffTokenIssuer issuer) => Results.Json(Discovery(issuer.Issuer)));
        group.MapGet("/jwks.json", (DemoStaffTokenIssuer issuer) => Results.Json(new { keys = new[] { issuer.PublicJwk() }, demo = true }));
        group.MapGet("/authorize", DemoStaffSignIn.ShowForm);
        group.MapPost("/authorize", DemoStaffSignIn.SignInAsync);
        group.MapPost("/token", DemoStaffTokenEndpoint.RedeemAsync);
        group.MapGet("/logout", LogOut);
        return endpoints;
    }

    /// <summary>
    /// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 section 2). The authority keeps no session of its own
    /// (every sign-in shows the form), so there is nothing to end here: it only sends the browser back to a front end's
    /// sign-out callback, any host as for sign-in, or says it is signed out.
    /// </summary>
    private static IResult LogOut(HttpContext context)
    {
        var query = context.Request.Query;
        if (query["post_logout_redirect_uri"] is not { Count: 1 } target
            || !DemoStaffClients.IsRedirectTarget(target.ToString(), out var uri)
            || !DemoStaffClients.All.Any(client => uri.AbsolutePath.EndsWith(client.SignedOutPath, StringComparison.Ordinal)))
        {
            return DemoStaffPages.SignedOut(context);
        }

        return Results.Redirect(query["state"] is { Count: 1 } state
            ? QueryHelpers.AddQueryString(target.ToString(), "state", state.ToString())
            : target.ToString());
    }

    /// <summary>What ASP.NET Core's OpenID Connect handler reads from the discovery document (OpenID Connect Discovery 1.0 section 3).</summary>
    private static Dictionary<string, object> Discovery(string issuer) => new()
    {
        ["issuer"] = issuer,
        ["authorization_endpoint"] = issuer + "/authorize",
        ["token_endpoint"] = issuer + "/token",
        ["jwks_uri"] = issuer + "/jwks.json",
        ["end_session_endpoint"] = issuer + "/logout",
        ["response_types_supported"] = new[] { "code" },
        ["response_modes_supported"] = new[] { DemoStaffAuthorization.QueryMode, DemoStaffAuthorization.FormPostMode },
        ["grant_types_supported"] = new[] { "authorization_code" },
        ["code_challenge_methods_supported"] = new[] { DemoStaffAuthorization.S256 },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { DemoTokenSigner.Algorithm },
        ["scopes_supported"] = new[] { "openid", "profile" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
        ["claims_supported"] = new[]
        {
            "iss", "aud", "sub", "iat", "nbf", "exp", "auth_time", "nonce", "name", "preferred_username",
            DemoStaffIdentity.RolesClaim, DemoStaffIdentity.AgencyClaim, "demo",
        },
        // RFC 9207: the authorization response names its issuer, so a client that talks to several can tell them apart.
        ["authorization_response_iss_parameter_supported"] = true,
        ["demo"] = true,
    };
}
