namespace Ndxp.Gateway.Registry;

/// <summary>Identifies a stored entity: its kind (<c>agency</c>, <c>client</c>, <c>service</c>, <c>grant</c>) and id.</summary>
public readonly record struct EntityKey(string Kind, string Id);

/// <summary>
/// The registry as stored, read inside a commit: the document, its revision, and the version of each entity (the
/// revision that last wrote it, which the admin API hands out as the entity's ETag).
/// </summary>
public sealed record StoredRegistry(RegistryDocument Document, long Revision, IReadOnlyDictionary<EntityKey, long> Versions)
{
    public long? VersionOf(string kind, string id) => Versions.TryGetValue(new(kind, id), out var version) ? version : null;
}

/// <summary>One entity written by a commit: its JSON before and after (null when created or deleted).</summary>
public sealed record EntityChange(string Kind, string Id, string Action, string? Before, string? After);

/// <summary>
/// What a commit did: the registry it planned from, the revision it produced (unchanged when nothing changed), the
/// entities it wrote, and the audit trail's head after it (null when nothing changed).
/// </summary>
public sealed record RegistryCommitResult(StoredRegistry Before, long Revision, IReadOnlyList<EntityChange> Changes, Audit.AuditHead? AuditHead = null)
{
    /// <summary>An entity's version (its ETag) after the commit: the new revision if the commit wrote it.</summary>
    public long? VersionOf(string kind, string id) =>
        Changes.Any(c => c.Kind == kind && c.Id == id) ? Revision : Before.VersionOf(kind, id);
}
