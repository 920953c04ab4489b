using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Identity;

/// <summary>Signs the short-lived access tokens the token endpoint hands out.</summary>
internal sealed class TokenIssuer
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningKeyRing _keys;
    private readonly TimeProvider _timeProvider;
    private readonly string _issuer;
    private readonly string _audience;
    private readonly TimeSpan _lifetime;

    public TokenIssuer(SigningKeyRing keys, TimeProvider timeProvider, string issuer, string audience, TimeSpan lifetime)
    {
        _keys = keys;
        _timeProvider = timeProvider;
        _issuer = issuer;
        _audience = audience;
        _lifetime = lifetime;
    }

    public TimeSpan Lifetime => _lifetime;

    /// <param name="client">The client the token is for.</param>
    /// <param name="certificateThumbprint">When the client presented a certificate: the token is bound to it (RFC 8705).</param>
    public string Issue(Client client, string? certificateThumbprint = null)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = _audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _lifetime,
            SigningCredentials = _keys.SigningCredentials,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, client.Id),
                new Claim(GatewayClaims.ClientId, client.Id),
                new Claim(GatewayClaims.Agency, client.Agency),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
                .. client.Roles.Select(role => new Claim(GatewayClaims.Roles, role)),
                .. certificateThumbprint is null
                    ? Array.Empty<Claim>()
                    : [new Claim(CertificateBinding.ConfirmationClaim, CertificateBinding.Confirmation(certificateThumbprint), JsonClaimValueTypes.Json)],
            ]),
        });
    }
}
