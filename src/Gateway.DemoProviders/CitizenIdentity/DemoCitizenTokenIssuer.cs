using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ndxp.Gateway.DemoProviders.CitizenIdentity;

/// <summary>
/// DEMO ONLY: signs a citizen's access token for the gateway's access-trail endpoint, for whatever well-formed personal
/// ID it is given. Never use it, or anything like it, in a real deployment: it authenticates nobody.
/// </summary>
internal sealed class DemoCitizenTokenIssuer : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly JsonWebTokenHandler _handler = new();
    private readonly DemoCitizenSigningKey _key = new();

    // The subject is a keyed hash of the personal ID: the same citizen keeps one sub for the process's life, and with
    // only 10^12 personal IDs an unkeyed hash would be reversed by trying them all.
    private readonly byte[] _subjectKey = RandomNumberGenerator.GetBytes(32);
    private readonly TimeProvider _timeProvider;

    public DemoCitizenTokenIssuer(string issuer, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Issuer = issuer;
        _timeProvider = timeProvider;
    }

    public string Issuer { get; }

    public Dictionary<string, string> PublicJwk() => _key.PublicJwk();

    /// <param name="personalId">A well-formed personal ID; the caller has checked it.</param>
    public string Issue(string personalId)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = DemoCitizenIdentity.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = _key.Credentials,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = SubjectFor(personalId),
                [DemoCitizenIdentity.PersonalIdClaim] = personalId,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
                ["demo"] = true,
            },
        });
    }

    public void Dispose() => _key.Dispose();

    private string SubjectFor(string personalId) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(_subjectKey, Encoding.UTF8.GetBytes(personalId)).AsSpan(0, 16));
}
