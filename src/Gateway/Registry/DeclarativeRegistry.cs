namespace Ndxp.Gateway.Registry;

/// <summary>
/// The registry as operators keep it in git: export writes the whole registry in the declarative file format, and
/// apply makes the stored registry equal to a file (adding, changing and removing entities), so that the same file
/// applied twice changes nothing the second time.
/// </summary>
/// <remarks>
/// Client secrets are credentials, not configuration: export leaves the secret hashes out, and applying a file whose
/// client names no <c>secretHash</c> keeps the secret the client has (one rotated through the admin API survives a
/// re-apply). A file that names a hash sets it, which is how the demo and first-start seed files carry theirs. Public
/// keys (private_key_jwt) likewise: a file whose client lists none keeps the keys registered through the admin API.
/// </remarks>
public static class DeclarativeRegistry
{
    public static RegistryDocument Export(RegistryDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        // Access requests are workflow records and OpenAPI documents are the providers' (published in the portal), not
        // the operators' configuration: a file neither carries nor changes them.
        return document with { Clients = document.Clients.Select(WithoutSecrets).ToList(), AccessRequests = [], ApiDocuments = [] };
    }

    public static Client WithoutSecrets(Client client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client with { SecretHash = null, PreviousSecretHash = null, PreviousSecretValidUntil = null };
    }

    /// <summary>The changes that make <paramref name="current"/> equal to <paramref name="file"/>; throws if the result is invalid.</summary>
    public static IReadOnlyList<EntityChange> Plan(RegistryDocument current, RegistryDocument file)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(file);
        var next = file with
        {
            Clients = file.Clients.Select(client => KeepingCredentials(client, RegistryEntityKind.Clients.Find(current, client.Id))).ToList(),
            AccessRequests = current.AccessRequests,
            // A service the file removes takes its published document with it.
            ApiDocuments = [.. current.ApiDocuments.Where(api => file.Services.Any(s => s.Id == api.Service))],
        };
        RegistryDiff.EnsureValid(next);
        return RegistryDiff.Between(current, next);
    }

    private static Client KeepingCredentials(Client client, Client? existing)
    {
        if (existing is null)
        {
            return client;
        }

        var kept = client.SecretHash is null
            ? client with { SecretHash = existing.SecretHash, PreviousSecretHash = existing.PreviousSecretHash, PreviousSecretValidUntil = existing.PreviousSecretValidUntil }
            : client;
        return kept.PublicKeys.Count == 0 ? kept with { PublicKeys = existing.PublicKeys } : kept;
    }
}
