using System.Security.Claims;
using Ndxp.Gateway.Identity;

namespace Ndxp.Gateway.Access;

/// <summary>The verified identity of a caller: its agency and client, as read from a validated token.</summary>
public readonly record struct Caller(string Agency, string ClientId, string? TokenId = null)
{
    /// <summary>The caller named by an authenticated principal; null when unauthenticated or a claim is missing.</summary>
    public static Caller? From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var agency = user.FindFirstValue(GatewayClaims.Agency);
        var client = user.FindFirstValue(GatewayClaims.ClientId);
        return string.IsNullOrEmpty(agency) || string.IsNullOrEmpty(client) ? null : new Caller(agency, client, user.FindFirstValue("jti"));
    }
}
