using System.Security.Cryptography;
using System.Text;

namespace Ndxp.Gateway.DemoProviders.StaffIdentity;

/// <summary>Compares a password or client secret with the expected one.</summary>
internal static class DemoSecret
{
    /// <summary>Compares hashes, not the strings, in fixed time: the time taken says nothing of either's length or content.</summary>
    public static bool Matches(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
