using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Ndxp.Gateway.DemoProviders.CitizenIdentity;

/// <summary>
/// DEMO ONLY: signs a citizen's access token for the gateway's access-trail endpoint, for whatever well-formed personal
/// ID it is given. Never use it, or anything like it, in a real deployment: it authenticates nobody.
/// </summary>
internal sealed class DemoCitizenTokenIssuer : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly DemoTokenSigner _signer;

    // The subject is a keyed hash of the personal ID: the same citizen keeps one sub for the process's life, and with
    // only 10^12 personal IDs an unkeyed hash would be reversed by trying them all.
    private readonly byte[] _subjectKey = RandomNumberGenerator.GetBytes(32);

    public DemoCitizenTokenIssuer(string issuer, TimeProvider timeProvider) => _signer = new DemoTokenSigner(issuer, timeProvider);

    public string Issuer => _signer.Issuer;

    public Dictionary<string, string> PublicJwk() => _signer.PublicJwk();

    /// <param name="personalId">A well-formed personal ID; the caller has checked it.</param>
    public string Issue(string personalId) => _signer.Sign(DemoCitizenIdentity.Audience, Lifetime, new Dictionary<string, object>
    {
        [JwtRegisteredClaimNames.Sub] = SubjectFor(personalId),
        [DemoCitizenIdentity.PersonalIdClaim] = personalId,
        [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        ["demo"] = true,
    });

    public void Dispose() => _signer.Dispose();

    private string SubjectFor(string personalId) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(_subjectKey, Encoding.UTF8.GetBytes(personalId)).AsSpan(0, 16));
}
