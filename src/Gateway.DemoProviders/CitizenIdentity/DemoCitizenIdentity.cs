namespace Ndxp.Gateway.DemoProviders.CitizenIdentity;

/// <summary>
/// DEMO ONLY: what the gateway needs to know about the demo providers' stand-in citizen identity provider, which lets a
/// citizen "sign in" by typing a personal ID, with no password and no check of who is typing. It exists so that the
/// demo can show the citizen access-trail endpoint; a real deployment trusts the national identity provider instead.
/// </summary>
public static class DemoCitizenIdentity
{
    /// <summary>Where the stand-in provider lives on the demo providers' URL; its issuer is that URL plus this path.</summary>
    public const string PathBase = "/demo-id";

    /// <summary>The <c>aud</c> of every token it issues: the gateway's citizen access-trail endpoint.</summary>
    public const string Audience = "ndxp-trail";

    /// <summary>The claim that carries the citizen's personal ID (<c>sub</c> is an opaque id, never the personal ID).</summary>
    public const string PersonalIdClaim = "personal_id";

    /// <summary>The issuer (and OpenID Connect authority) of the provider run on <paramref name="providersUrl"/>.</summary>
    /// <param name="providersUrl">The URL given to <see cref="DemoProviderApp.Build"/>, e.g. <c>http://127.0.0.1:5100</c>.</param>
    public static string IssuerFor(string providersUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providersUrl);
        return providersUrl.TrimEnd('/') + PathBase;
    }
}
