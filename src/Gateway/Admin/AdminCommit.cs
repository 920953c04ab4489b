using Ndxp.Gateway.Access;
using Ndxp.Gateway.Audit;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// Runs an admin change: commits it through the store (entities, revision and audit entries in one transaction) as
/// the calling operator, then reloads this replica before answering, so the change is in effect here when the
/// operator gets the answer (other replicas follow by notification or poll).
/// </summary>
internal sealed class AdminCommit(IRegistryStore store, RegistryReloader reloader)
{
    public IRegistryStore Store => store;

    public async Task<IResult> RunAsync(HttpContext context, Func<StoredRegistry, IReadOnlyList<EntityChange>> plan, Func<RegistryCommitResult, IResult> answer)
    {
        try
        {
            var result = await store.CommitAsync(plan, ActorOf(context), context.RequestAborted);
            if (result.Changes.Count > 0)
            {
                await reloader.ReloadIfChangedAsync(context.RequestAborted);
            }

            return answer(result);
        }
        catch (AdminRefusal refusal)
        {
            return refusal.ToResult();
        }
        catch (RegistryValidationException invalid)
        {
            return AdminRefusal.Invalid(invalid).ToResult();
        }
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
