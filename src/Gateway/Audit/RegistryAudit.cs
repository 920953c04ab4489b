using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Audit;

/// <summary>Turns a registry change into the audit entry that records it, before it is sealed into the chain.</summary>
internal static class RegistryAudit
{
    public static AuditEntry Unsealed(long sequence, DateTimeOffset at, AuditActor actor, EntityChange change, long revision) => new()
    {
        Sequence = sequence,
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
    };
}
