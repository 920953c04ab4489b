using System.Data.Common;

namespace Ndxp.Gateway.Audit;

/// <summary>
/// A page of the audit trail: entries after <see cref="After"/> oldest first, or before <see cref="Before"/> newest
/// first, optionally of one kind, one entity or one actor. Both stores run the same SQL (<see cref="Sql"/>).
/// </summary>
public sealed record AuditQuery(int Limit)
{
    public long After { get; init; }

    /// <summary>Newest first, below this sequence (null: from the newest).</summary>
    public long? Before { get; init; }

    public bool NewestFirst { get; init; }

    public string? Kind { get; init; }

    public string? EntityId { get; init; }

    public string? Actor { get; init; }

    public static AuditQuery OldestFirst(long after, int limit) => new(limit) { After = after };

    /// <summary>The query with named parameters (<c>@name</c>, which Npgsql and Microsoft.Data.Sqlite both take).</summary>
    public string Sql()
    {
        var where = new List<string> { "sequence > @after" };
        if (Before is not null)
        {
            where.Add("sequence < @before");
        }

        if (Kind is not null)
        {
            where.Add("kind = @kind");
        }

        if (EntityId is not null)
        {
            where.Add("entity_id = @entity");
        }

        if (Actor is not null)
        {
            where.Add("actor = @actor");
        }

        return $"SELECT {AuditColumns.Select} FROM registry_audit WHERE {string.Join(" AND ", where)} ORDER BY sequence{(NewestFirst ? " DESC" : "")} LIMIT @limit";
    }

    public void AddParameters(DbCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        Add(command, "after", After);
        Add(command, "limit", Limit);
        if (Before is { } before)
        {
            Add(command, "before", before);
        }

        foreach (var (name, value) in new[] { ("kind", Kind), ("entity", EntityId), ("actor", Actor) })
        {
            if (value is not null)
            {
                Add(command, name, value);
            }
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
