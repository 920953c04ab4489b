using Microsoft.IdentityModel.JsonWebTokens;

namespace Ndxp.Gateway.DemoProviders.StaffIdentity;

/// <summary>
/// DEMO ONLY: signs the id_token and access token for a redeemed code. Never use it, or anything like it, in a real
/// deployment: the password of every person it vouches for is printed on its sign-in page.
/// </summary>
internal sealed class DemoStaffTokenIssuer : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly DemoTokenSigner _signer;

    public DemoStaffTokenIssuer(string issuer, TimeProvider timeProvider) => _signer = new DemoTokenSigner(issuer, timeProvider);

    public string Issuer => _signer.Issuer;

    public Dictionary<string, string> PublicJwk() => _signer.PublicJwk();

    /// <summary>The id_token (OpenID Connect Core 1.0 section 2) for the front end that redeemed the code.</summary>
    public string IdToken(DemoStaffGrant grant)
    {
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = grant.User.Subject,
            [JwtRegisteredClaimNames.AuthTime] = grant.AuthenticatedAt.ToUnixTimeSeconds(),
            ["name"] = grant.User.Name,
            ["preferred_username"] = grant.User.Username,
            // An array even when empty or single, so the front end reads one shape (MapInboundClaims = false keeps the name).
            [DemoStaffIdentity.RolesClaim] = grant.User.Roles.ToArray(),
            [DemoStaffIdentity.AgencyClaim] = grant.User.Agency,
            ["demo"] = true,
        };
        if (grant.Request.Nonce is { } nonce)
        {
            claims[JwtRegisteredClaimNames.Nonce] = nonce;
        }

        return _signer.Sign(grant.Request.Client.Id, Lifetime, claims);
    }

    /// <summary>
    /// An access token (a JWT in the shape of RFC 9068) that nothing in the demo accepts: the handler wants one in the
    /// token answer, and the front ends take their claims from the id_token.
    /// </summary>
    public string AccessToken(DemoStaffGrant grant) => _signer.Sign(grant.Request.Client.Id, Lifetime, new Dictionary<string, object>
    {
        [JwtRegisteredClaimNames.Sub] = grant.User.Subject,
        [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        ["client_id"] = grant.Request.Client.Id,
        ["scope"] = grant.Request.Scope,
        ["demo"] = true,
    }, type: "at+jwt");

    public void Dispose() => _signer.Dispose();
}
