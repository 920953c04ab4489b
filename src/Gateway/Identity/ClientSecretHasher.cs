using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ndxp.Gateway.Identity;

/// <summary>
/// Client secrets are stored only as hashes whose first field names the scheme, so that both kinds, and hashes made
/// before either existed, verify side by side:
/// <list type="bullet">
/// <item><c>sha256$hash</c> for the secrets the gateway generates (256 random bits). Guessing one is hopeless
/// however fast the hash, so a slow KDF would add nothing but cost; verifying takes microseconds.</item>
/// <item><c>pbkdf2-sha256$iterations$salt$hash</c> for secrets people chose (<c>hash-secret</c>, seed files): a
/// stolen hash of a guessable secret must be slow to attack offline. 600,000 iterations follows OWASP's 2023
/// password-storage guidance for this KDF.</item>
/// </list>
/// </summary>
public static class ClientSecretHasher
{
    public const int DefaultIterations = 600_000;

    /// <summary>Hashes below this work factor are refused when the registry is loaded.</summary>
    public const int MinimumIterations = 10_000;

    private const string FastScheme = "sha256";
    private const string SlowScheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>A new client secret (32 random bytes, base64url) and its fast hash; only the hash is kept.</summary>
    public static (string Secret, string Hash) Generate()
    {
        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (secret, FastScheme + "$" + Convert.ToBase64String(Fingerprint(secret)));
    }

    /// <summary>The slow hash of a secret a person chose.</summary>
    public static string Hash(string secret, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', SlowScheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>SHA-256 of the secret: the fast scheme's hash, and what a verified slow hash is remembered by.</summary>
    public static byte[] Fingerprint(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return SHA256.HashData(Encoding.UTF8.GetBytes(secret));
    }

    public static bool IsWellFormed(string? encoded)
    {
        Span<byte> hash = stackalloc byte[HashBytes];
        return TryParseFast(encoded, hash) || TryParseSlow(encoded, out _, out _, out _);
    }

    /// <summary>True for the slow scheme (a person's secret), whose verification must be rationed.</summary>
    /// <remarks>By the scheme's name alone: the registry checked the whole hash when it was loaded, and this runs on every token request.</remarks>
    public static bool IsSlow(string encoded) => encoded.StartsWith(SlowScheme + "$", StringComparison.Ordinal);

    /// <summary>Verifies against a fast hash in constant time; false for any other hash.</summary>
    public static bool VerifyFast(ReadOnlySpan<byte> fingerprint, string encoded)
    {
        Span<byte> expected = stackalloc byte[HashBytes];
        return TryParseFast(encoded, expected) && CryptographicOperations.FixedTimeEquals(fingerprint, expected);
    }

    /// <summary>Verifies against a slow hash: a full PBKDF2 derivation, a third of a second at the default work factor.</summary>
    public static bool VerifySlow(string secret, string encoded)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (!TryParseSlow(encoded, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes a fast hash into <paramref name="hash"/> (32 bytes), without allocating.</summary>
    private static bool TryParseFast(string? encoded, Span<byte> hash) =>
        encoded is not null && encoded.StartsWith(FastScheme + "$", StringComparison.Ordinal)
        && Convert.TryFromBase64Chars(encoded.AsSpan(FastScheme.Length + 1), hash, out var written) && written == HashBytes;

    private static bool TryParseSlow(string? encoded, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = [];
        hash = [];
        var parts = encoded?.Split('$');
        if (parts is not { Length: 4 } || parts[0] != SlowScheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations < MinimumIterations)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length >= 8 && hash.Length >= 16;
    }
}
