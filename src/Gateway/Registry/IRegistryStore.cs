using Ndxp.Gateway.Audit;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// Where the registry and its audit trail are kept: the embedded SQLite file by default, PostgreSQL in a cluster.
/// Every change goes through <see cref="CommitAsync"/>, one serialized transaction that writes the entities, the new
/// revision and the audit entries together, so the trail can never miss a change that took effect.
/// </summary>
public interface IRegistryStore
{
    /// <summary>Creates the schema if it is missing; safe to call on every start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<bool> IsEmptyAsync(CancellationToken cancellationToken);

    /// <summary>The revision of the stored registry: a cheap check for changes.</summary>
    Task<long> GetRevisionAsync(CancellationToken cancellationToken);

    /// <summary>Reads the whole registry, its revision and the entities' versions in one consistent read.</summary>
    Task<StoredRegistry> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reads the registry under the store's write lock, asks <paramref name="plan"/> what to change (it may throw to
    /// refuse), then writes the changes, a new revision and one audit entry per change in the same transaction. A plan
    /// that changes nothing commits nothing.
    /// </summary>
    Task<RegistryCommitResult> CommitAsync(Func<StoredRegistry, IReadOnlyList<EntityChange>> plan, AuditActor actor, CancellationToken cancellationToken);

    /// <summary>
    /// Appends one audit entry that changes nothing in the registry: an access that must be accountable, such as an
    /// auditor's search of a person's trail. Sealed onto the chain like every change; returns the trail's new head.
    /// </summary>
    Task<AuditHead> RecordAsync(EntityChange access, AuditActor actor, CancellationToken cancellationToken);

    /// <summary>A page of audit entries, oldest or newest first, optionally filtered (<see cref="AuditQuery"/>).</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    Task<AuditHead> ReadAuditHeadAsync(CancellationToken cancellationToken);
}
