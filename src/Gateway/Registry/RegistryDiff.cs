namespace Ndxp.Gateway.Registry;

/// <summary>
/// What turning one registry document into another changes, entity by entity, comparing each entity's JSON as the
/// registry writes it (so formatting and key order of a file or of the store never count as a change).
/// </summary>
public static class RegistryDiff
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";

    /// <summary>The changes from <paramref name="current"/> to <paramref name="next"/>; an update is named <paramref name="updateAction"/> in the audit trail (e.g. <c>suspend</c>, <c>rotate-secret</c>).</summary>
    public static IReadOnlyList<EntityChange> Between(RegistryDocument current, RegistryDocument next, string updateAction = Update)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        var changes = new List<EntityChange>();
        foreach (var kind in RegistryEntityKind.All)
        {
            var before = kind.Entities(current).ToDictionary(e => e.Id, e => e.Json, StringComparer.Ordinal);
            var after = kind.Entities(next).ToDictionary(e => e.Id, e => e.Json, StringComparer.Ordinal);
            foreach (var (id, json) in after)
            {
                if (!before.TryGetValue(id, out var old))
                {
                    changes.Add(new(kind.Kind, id, Create, null, json));
                }
                else if (!string.Equals(old, json, StringComparison.Ordinal))
                {
                    changes.Add(new(kind.Kind, id, updateAction, old, json));
                }
            }

            changes.AddRange(before.Where(e => !after.ContainsKey(e.Key)).Select(e => new EntityChange(kind.Kind, e.Key, Delete, e.Value, null)));
        }

        return changes;
    }

    /// <summary>Throws <see cref="RegistryValidationException"/> with every error when the document is not a valid registry.</summary>
    public static void EnsureValid(RegistryDocument document)
    {
        var errors = RegistryValidator.Validate(document);
        if (errors.Count > 0)
        {
            throw new RegistryValidationException(errors);
        }
    }
}
