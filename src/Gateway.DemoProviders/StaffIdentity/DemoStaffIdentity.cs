namespace Ndxp.Gateway.DemoProviders.StaffIdentity;

/// <summary>
/// DEMO ONLY: what the gateway needs to know about the demo providers' stand-in OpenID Connect authority for the
/// platform's staff (operators and agency employees), which the operator console and the agency portal sign in
/// against with ASP.NET Core's OpenID Connect handler (code flow with PKCE). Its users are a fixed table whose password
/// is printed on its sign-in page; a real deployment trusts the government's staff identity provider instead.
/// </summary>
public static class DemoStaffIdentity
{
    /// <summary>Where the stand-in authority lives on the demo providers' URL; its issuer is that URL plus this path.</summary>
    public const string PathBase = "/demo-staff";

    /// <summary>The operator console's client; its redirect URI's path is <c>/console/signin-oidc</c>.</summary>
    public const string ConsoleClientId = "ndxp-console";

    public const string ConsoleClientSecret = "console-demo-secret";

    /// <summary>The agency portal's client; its redirect URI's path is <c>/portal/signin-oidc</c>.</summary>
    public const string PortalClientId = "ndxp-portal";

    public const string PortalClientSecret = "portal-demo-secret";

    /// <summary>The id_token claim holding the person's roles: a JSON array of strings, empty for plain agency staff.</summary>
    public const string RolesClaim = "roles";

    /// <summary>The id_token claim holding the code of the agency the person works for, e.g. <c>BCA</c>.</summary>
    public const string AgencyClaim = "agency";

    /// <summary>The role of the platform's own operators.</summary>
    public const string OperatorRole = "operator";

    /// <summary>The role of an agency employee who may approve requests on the agency's behalf.</summary>
    public const string ApproverRole = "approver";

    /// <summary>Every demo user's password.</summary>
    public const string DemoPassword = "demo";

    /// <summary>The issuer (and OpenID Connect authority) of the provider run on <paramref name="providersUrl"/>.</summary>
    /// <param name="providersUrl">The URL given to <see cref="DemoProviderApp.Build"/>, e.g. <c>http://127.0.0.1:5100</c>.</param>
    public static string IssuerFor(string providersUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providersUrl);
        return providersUrl.TrimEnd('/') + PathBase;
    }
}
