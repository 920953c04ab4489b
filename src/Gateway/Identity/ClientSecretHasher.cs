using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ndxp.Gateway.Identity;

/// <summary>
/// Client secrets are stored only as PBKDF2-HMAC-SHA256 hashes with a per-secret salt, in the self-describing form
/// <c>pbkdf2-sha256$iterations$salt$hash</c> (base64), so the work factor can be raised later without breaking
/// existing hashes. 600,000 iterations follows OWASP's 2023 password-storage guidance for this KDF.
/// </summary>
public static class ClientSecretHasher
{
    public const int DefaultIterations = 600_000;

    /// <summary>Hashes below this work factor are refused when the registry is loaded.</summary>
    public const int MinimumIterations = 10_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Verifying against this when the client id is unknown costs as much as a real check, so response time
    // does not tell an attacker which client ids exist.
    private static readonly string DummyHash = Hash("not-a-client-secret", DefaultIterations);

    public static string Hash(string secret, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>A new client secret: 32 random bytes, base64url; shown to the operator once and only its hash is kept.</summary>
    public static string NewSecret() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool IsWellFormed(string? encoded) => TryParse(encoded, out _, out _, out _);

    /// <summary>Compares in constant time; a null or malformed hash never verifies but still costs a full derivation.</summary>
    public static bool Verify(string secret, string? encoded)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var wellFormed = TryParse(encoded, out var iterations, out var salt, out var expected);
        if (!wellFormed && !TryParse(DummyHash, out iterations, out salt, out expected))
        {
            throw new System.Diagnostics.UnreachableException("The dummy hash is well-formed by construction.");
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected) && wellFormed;
    }

    private static bool TryParse(string? encoded, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = [];
        hash = [];
        var parts = encoded?.Split('$');
        if (parts is not { Length: 4 } || parts[0] != Scheme
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
