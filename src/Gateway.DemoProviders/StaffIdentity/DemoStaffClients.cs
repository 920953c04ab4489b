using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Ndxp.Gateway.DemoProviders.StaffIdentity;

/// <summary>DEMO ONLY: the gateway's two web front ends that sign staff in against the stand-in authority.</summary>
internal static class DemoStaffClients
{
    public static readonly ImmutableArray<DemoStaffClient> All =
    [
        new(DemoStaffIdentity.ConsoleClientId, DemoStaffIdentity.ConsoleClientSecret, "the NDXP operator console", "/console/signin-oidc", "/console/signout-callback-oidc"),
        new(DemoStaffIdentity.PortalClientId, DemoStaffIdentity.PortalClientSecret, "the NDXP agency portal", "/portal/signin-oidc", "/portal/signout-callback-oidc"),
    ];

    public static DemoStaffClient? Find(string clientId) => All.FirstOrDefault(client => client.Id.Equals(clientId, StringComparison.Ordinal));

    /// <summary>
    /// Whether <paramref name="value"/> can be sent back to a browser at all: an absolute http(s) URI without a fragment
    /// (RFC 6749 section 3.1.2) or user information, in ASCII so it fits a <c>Location</c> header and a
    /// Content-Security-Policy source as it is. The caller then checks its path.
    /// </summary>
    public static bool IsRedirectTarget(string? value, [NotNullWhen(true)] out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrEmpty(value) || !Ascii.IsValid(value) || value.Contains('#', StringComparison.Ordinal)
            || !Uri.TryCreate(value, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
            || parsed.UserInfo.Length > 0)
        {
            return false;
        }

        uri = parsed;
        return true;
    }
}

/// <summary>
/// A client and the paths of its OpenID Connect handler's callbacks (ASP.NET Core's defaults under the front end's
/// path). Any host is accepted, a demo rule: the gateway runs on whatever port or name the newcomer chose, and a real
/// authority registers each exact redirect URI instead.
/// </summary>
internal sealed record DemoStaffClient(string Id, string Secret, string DisplayName, string SignInPath, string SignedOutPath);
