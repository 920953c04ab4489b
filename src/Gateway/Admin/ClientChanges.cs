using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>Changes to a client's credentials, the same from the admin API and the console.</summary>
internal static class ClientChanges
{
    public const string RotateSecretAction = "rotate-secret";
    public const string AddKeyAction = "add-key";

    /// <summary>The new secret's hash in place; the old secret keeps working for <paramref name="overlap"/> (none: ends now).</summary>
    public static Client RotateSecret(Client existing, string hash, TimeSpan overlap, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var keepPrevious = overlap > TimeSpan.Zero && existing.SecretHash is not null;
        return existing with
        {
            SecretHash = hash,
            PreviousSecretHash = keepPrevious ? existing.SecretHash : null,
            PreviousSecretValidUntil = keepPrevious ? now + overlap : null,
        };
    }

    /// <summary>
    /// Adds public keys (a kid already registered: 409); with an <paramref name="overlap"/> it is a rotation, ending the
    /// client's other keys that long from now. Keys already expired are dropped.
    /// </summary>
    public static Client AddKeys(Client existing, IReadOnlyList<ClientKey> added, TimeSpan? overlap, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(added);
        if (added.FirstOrDefault(key => existing.PublicKeys.Any(k => k.Kid == key.Kid)) is { } taken)
        {
            throw new AdminRefusal(ProblemKind.EntityExists,
                $"Client '{existing.Id}' already has a key '{taken.Kid}': remove it first (DELETE {RegistryAdminApi.Prefix}/clients/{existing.Id}/keys/{taken.Kid}) or give the new key another kid.");
        }

        var others = existing.PublicKeys
            .Select(key => overlap is { } o && !(key.ValidUntil <= now + o) ? key with { ValidUntil = now + o } : key)
            .Where(key => !(key.ValidUntil <= now));
        return existing with { PublicKeys = [.. others, .. added] };
    }
}
