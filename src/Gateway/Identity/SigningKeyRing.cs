using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Identity;

/// <summary>
/// The gateway's token signing keys (ES256). All keys in the folder are published in the JWKS so that tokens signed
/// by a retiring key stay valid until they expire; only the active key signs. Rotation: add a new key file, make it
/// active, remove the old file after the longest token lifetime has passed.
/// </summary>
public sealed partial class SigningKeyRing : IDisposable
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    private readonly List<ECDsa> _owned = [];

    private SigningKeyRing(IReadOnlyList<ECDsaSecurityKey> keys, ECDsaSecurityKey active)
    {
        Keys = keys;
        ActiveKey = active;
        SigningCredentials = new SigningCredentials(active, Algorithm);
    }

    public IReadOnlyList<ECDsaSecurityKey> Keys { get; }

    public ECDsaSecurityKey ActiveKey { get; }

    public SigningCredentials SigningCredentials { get; }

    /// <summary>Loads every <c>*.pem</c> in <paramref name="directory"/>; creates one first when allowed and there is none.</summary>
    public static SigningKeyRing Load(string directory, string? activeKeyId, bool generateIfMissing, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var files = KeyFolder.Files(directory, ".pem");

        if (files.Count == 0)
        {
            if (!generateIfMissing)
            {
                throw new InvalidOperationException(
                    $"No signing key (*.pem) in '{directory}' and Identity:GenerateSigningKeyIfMissing is false: mount the key secret there.");
            }

            using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            files.Add(KeyFolder.Create(directory, ".pem", timeProvider, generated.ExportPkcs8PrivateKeyPem()));
            Log.KeyGenerated(logger, Path.GetFileNameWithoutExtension(files[0]), directory);
        }

        var keys = new List<ECDsaSecurityKey>(files.Count);
        var ring = new List<ECDsa>();
        // IdentityModel caches a signature provider per key id in its default factory, holding the ECDsa: a ring of its
        // own keeps a ring loaded later in the same process (a gateway restarted in place) from signing with a disposed key.
        var providers = new CryptoProviderFactory();
        foreach (var file in files)
        {
            var ecdsa = ECDsa.Create();
            ring.Add(ecdsa);
            try
            {
                ecdsa.ImportFromPem(File.ReadAllText(file));
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                throw new InvalidOperationException($"Signing key file '{file}' is not an EC private key in PEM.", ex);
            }

            if (ecdsa.KeySize != 256)
            {
                throw new InvalidOperationException($"Signing key file '{file}' is a {ecdsa.KeySize}-bit key; ES256 needs P-256.");
            }

            keys.Add(new ECDsaSecurityKey(ecdsa) { KeyId = Path.GetFileNameWithoutExtension(file), CryptoProviderFactory = providers });
        }

        var active = activeKeyId is null
            ? keys[^1]
            : keys.Find(k => k.KeyId == activeKeyId)
              ?? throw new InvalidOperationException($"Identity:ActiveKeyId '{activeKeyId}' names no key file in '{directory}'.");

        var result = new SigningKeyRing(keys, active);
        result._owned.AddRange(ring);
        return result;
    }

    /// <summary>The public half of each key as a JSON Web Key (RFC 7517), for <c>/.well-known/jwks.json</c>.</summary>
    public IReadOnlyList<Dictionary<string, string>> PublicJwks() =>
        Keys.Select(k =>
        {
            var p = k.ECDsa.ExportParameters(includePrivateParameters: false);
            return new Dictionary<string, string>
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["x"] = Base64UrlEncoder.Encode(p.Q.X),
                ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
                ["kid"] = k.KeyId,
                ["use"] = "sig",
                ["alg"] = Algorithm,
            };
        }).ToList();

    public void Dispose()
    {
        foreach (var key in _owned)
        {
            key.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
            Message = "Generated token signing key {KeyId} in {Directory}: embedded mode only; a cluster mounts its keys from a secret")]
        public static partial void KeyGenerated(ILogger logger, string keyId, string directory);
    }
}
