using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Audit;

/// <summary>Turns the changes of one commit into the audit entries that record them, sealed onto the chain's head.</summary>
internal static class RegistryAudit
{
    /// <summary>One entry per change, in order, each chained to the one before; the last is the trail's new head.</summary>
    public static IReadOnlyList<AuditEntry> Seal(AuditHead head, DateTimeOffset now, AuditActor actor, IReadOnlyList<EntityChange> changes, long revision)
    {
        var at = AuditChain.Timestamp(now);
        var entries = new List<AuditEntry>(changes.Count);
        foreach (var change in changes)
        {
            var entry = AuditChain.Seal(
                new AuditEntry
                {
                    Sequence = head.Sequence + 1,
                    At = at,
                    Actor = actor.Actor,
                    ActorAgency = actor.Agency,
                    Source = actor.Source,
                    Action = change.Action,
                    Kind = change.Kind,
                    EntityId = change.Id,
                    Before = AuditChain.Redact(change.Before),
                    After = AuditChain.Redact(change.After),
                    Revision = revision,
                    PreviousHash = "",
                    Hash = "",
                },
                head.Hash);
            entries.Add(entry);
            head = new AuditHead(entry.Sequence, entry.Hash);
        }

        return entries;
    }
}
