using System.Data.Common;

namespace Ndxp.Gateway.Audit;

/// <summary>The audit trail's columns, in the order both stores select them, and their mapping back to an entry.</summary>
internal static class AuditColumns
{
    public const string Select = "sequence, at, actor, actor_agency, source, action, kind, entity_id, before, after, revision, previous_hash, hash";

    // Column 1 (the time) is kept in each store's own time type, so each store says how to read it.
    public static AuditEntry Read(DbDataReader reader, Func<DbDataReader, DateTimeOffset> at)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(at);
        return new AuditEntry
        {
            Sequence = reader.GetInt64(0),
            At = at(reader),
            Actor = reader.GetString(2),
            ActorAgency = reader.IsDBNull(3) ? null : reader.GetString(3),
            Source = reader.IsDBNull(4) ? null : reader.GetString(4),
            Action = reader.GetString(5),
            Kind = reader.GetString(6),
            EntityId = reader.GetString(7),
            Before = reader.IsDBNull(8) ? null : reader.GetString(8),
            After = reader.IsDBNull(9) ? null : reader.GetString(9),
            Revision = reader.GetInt64(10),
            PreviousHash = reader.GetString(11),
            Hash = reader.GetString(12),
        };
    }
}
