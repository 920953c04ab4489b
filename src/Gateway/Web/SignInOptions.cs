using System.ComponentModel.DataAnnotations;

namespace Ndxp.Gateway.Web;

/// <summary>
/// How people sign in to the operator console (admin port, <c>/console/</c>) and the agency portal (data port,
/// <c>/portal/</c>): an external OpenID Connect authority (the government's staff identity provider), authorization code
/// flow with PKCE. Without an <see cref="Authority"/> neither is served. People are not registry clients: the console
/// trusts the authority's role claim, the portal its agency claim.
/// </summary>
public sealed class SignInOptions
{
    public const string SectionName = "SignIn";

    /// <summary>The authority's issuer URL (its discovery document is read from there).</summary>
    public string? Authority { get; set; }

    /// <summary>False only for a demo authority on plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    [Required]
    public SignInClient Console { get; set; } = new();

    [Required]
    public SignInClient Portal { get; set; } = new();

    /// <summary>The id token claim holding a person's roles (a string or an array).</summary>
    [Required]
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The role that opens the console.</summary>
    [Required]
    public string OperatorRole { get; set; } = "operator";

    /// <summary>The claim naming the agency (registry code) a person works for; it opens the portal for that agency.</summary>
    [Required]
    public string AgencyClaim { get; set; } = "agency";

    /// <summary>The role with which a provider agency's staff approve access requests to its services.</summary>
    [Required]
    public string ApproverRole { get; set; } = "approver";

    /// <summary>
    /// Session and sign-in cookies marked <c>Secure</c> whatever the request's scheme: the gateway usually sits behind a
    /// TLS-terminating ingress and sees plain HTTP. False only where the browser reaches it over plain HTTP (the demo).
    /// </summary>
    public bool SecureCookies { get; set; } = true;

    /// <summary>The longest a session lasts however active, after which the person signs in again (roles are re-read).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan MaxSessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long a session lasts without a request (sliding).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "12:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}

/// <summary>The gateway's client registration at the authority, one for the console and one for the portal.</summary>
public sealed class SignInClient
{
    public string ClientId { get; set; } = "";

    public string? ClientSecret { get; set; }
}
