using Ndxp.Gateway.Access;
using Ndxp.Gateway.Audit;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// Runs an admin change: commits it through the store (entities, revision and audit entries in one transaction) as
/// the calling operator, then reloads this replica before answering, so the change is in effect here when the
/// operator gets the answer (other replicas follow by notification or poll).
/// </summary>
internal sealed class AdminCommit(IRegistryStore store, RegistryReloader reloader, ILogger<AdminCommit> logger)
{
    private static readonly Prometheus.Counter Changes = Prometheus.Metrics.CreateCounter(
        "ndxp_gateway_registry_changes_total", "Registry entities changed through the admin API.", "kind", "action");

    public IRegistryStore Store => store;

    public async Task<IResult> RunAsync(HttpContext context, Func<StoredRegistry, IReadOnlyList<EntityChange>> plan, Func<RegistryCommitResult, IResult> answer)
    {
        try
        {
            return answer(await CommitAsync(ActorOf(context), plan, context.RequestAborted));
        }
        catch (AdminRefusal refusal)
        {
            return refusal.ToResult();
        }
    }

    /// <summary>
    /// Commits as <paramref name="actor"/> (the admin API's caller, or a person signed in to the console or portal); throws
    /// <see cref="AdminRefusal"/> when the plan refuses the change or the registry it makes is invalid (422 naming every error).
    /// </summary>
    public async Task<RegistryCommitResult> CommitAsync(AuditActor actor, Func<StoredRegistry, IReadOnlyList<EntityChange>> plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        RegistryCommitResult result;
        try
        {
            result = await store.CommitAsync(plan, actor, cancellationToken);
        }
        catch (RegistryValidationException invalid)
        {
            throw AdminRefusal.Invalid(invalid);
        }

        if (result.Changes.Count > 0)
        {
            foreach (var change in result.Changes)
            {
                Changes.WithLabels(change.Kind, change.Action).Inc();
            }

            // The log carries the trail's head out of the database: a copy an editor of the database cannot reach.
            RegistryChangeLog.Committed(logger, actor.Actor, result.Changes.Count, result.Revision, result.AuditHead!.Sequence, result.AuditHead.Hash);
            await reloader.ReloadIfChangedAsync(cancellationToken);
        }

        return result;
    }

    public static AuditActor ActorOf(HttpContext context)
    {
        var caller = Caller.From(context.User);
        var client = caller?.ClientId ?? "unknown";
        // Behind an external authority's client stands a person (its sub): the trail names both.
        var subject = context.User.FindFirst("sub")?.Value;
        var actor = subject is { Length: > 0 } && subject != client ? $"{client}:{subject}" : client;
        return new AuditActor(actor, caller?.Agency, context.Connection.RemoteIpAddress?.ToString());
    }
}
