using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Audit;

/// <summary>Reads the whole trail and its head from the store and verifies the chain (the endpoint and the command).</summary>
public static class AuditVerifier
{
    private const int PageSize = 1000;

    public static async Task<AuditVerification> VerifyAsync(IRegistryStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        // The head first: an entry appended while the trail is read then lies beyond it and is not judged.
        var head = await store.ReadAuditHeadAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        var after = 0L;
        while (true)
        {
            var page = await store.ReadAuditAsync(AuditQuery.OldestFirst(after, PageSize), cancellationToken);
            entries.AddRange(page.Where(e => e.Sequence <= head.Sequence || head.Sequence == 0));
            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        return AuditChain.Verify(entries, head);
    }
}
