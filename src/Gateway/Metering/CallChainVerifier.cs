namespace Ndxp.Gateway.Metering;

/// <summary>
/// Verifies every call chain in the store: each seal's hash and link, each batch's records and trail entries
/// against its digests (unless retention has removed them), the head against the last seal, and that nothing is
/// stored outside a sealed batch. Reads page by page within one consistent read, so memory stays bounded.
/// </summary>
public static class CallChainVerifier
{
    private const int SealPage = 200;
    private const int GroupRecords = 20_000;

    public static async Task<CallChainVerification> VerifyAsync(ICallChainStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var reader = await store.OpenReaderAsync(cancellationToken);
        var chains = new List<ChainVerification>();
        foreach (var chain in await reader.ReadChainsAsync(cancellationToken))
        {
            chains.Add(await VerifyChainAsync(reader, chain, cancellationToken));
        }

        var unsealed = await reader.CountUnsealedAsync(cancellationToken);
        return new CallChainVerification(chains.TrueForAll(c => c.Valid) && unsealed == 0, chains, unsealed);
    }

    private static async Task<ChainVerification> VerifyChainAsync(ICallChainReader reader, ChainState chain, CancellationToken cancellationToken)
    {
        var previous = chain.Anchor;
        long records = 0;
        while (true)
        {
            var seals = await reader.ReadSealsAsync(chain.Chain, previous.Sequence, SealPage, cancellationToken);
            if (seals.Count == 0)
            {
                break;
            }

            foreach (var group in InGroups(seals))
            {
                var recordsByBatch = (await reader.ReadRecordsAsync(chain.Chain, group[0].Sequence, group[^1].Sequence, cancellationToken)).ToLookup(r => r.Batch);
                var trailByBatch = (await reader.ReadTrailAsync(chain.Chain, group[0].Sequence, group[^1].Sequence, cancellationToken)).ToLookup(t => t.Batch);
                foreach (var seal in group)
                {
                    if (Check(chain, seal, previous, recordsByBatch[seal.Sequence].ToList(), trailByBatch[seal.Sequence].ToList()) is { } reason)
                    {
                        return ChainVerification.Broken(chain, previous.Sequence - chain.Anchor.Sequence, records, seal.Sequence, reason);
                    }

                    records += seal.RecordCount;
                    previous = new ChainLink(seal.Sequence, seal.Hash);
                }
            }
        }

        if (previous.Sequence != chain.Head.Sequence)
        {
            var reason = previous.Sequence < chain.Head.Sequence
                ? $"the chain ends at batch {previous.Sequence} but its head says {chain.Head.Sequence}: batches were removed from its end"
                : $"the head says {chain.Head.Sequence} but batches go on to {previous.Sequence}";
            return ChainVerification.Broken(chain, previous.Sequence - chain.Anchor.Sequence, records, previous.Sequence + 1, reason);
        }

        if (!string.Equals(previous.Hash, chain.Head.Hash, StringComparison.Ordinal))
        {
            return ChainVerification.Broken(chain, previous.Sequence - chain.Anchor.Sequence, records, previous.Sequence, "the last batch's hash does not match the chain's head");
        }

        return new ChainVerification(chain.Chain, true, previous.Sequence - chain.Anchor.Sequence, records, null, null);
    }

    // Consecutive seals whose batches hold at most GroupRecords records together (one batch alone may hold more): the
    // records and trail entries read at once stay bounded however full the batches were.
    private static IEnumerable<List<CallBatchSeal>> InGroups(IReadOnlyList<CallBatchSeal> seals)
    {
        var group = new List<CallBatchSeal>();
        long held = 0;
        foreach (var seal in seals)
        {
            if (group.Count > 0 && held + seal.RecordCount + seal.TrailCount > GroupRecords)
            {
                yield return group;
                group = [];
                held = 0;
            }

            group.Add(seal);
            held += seal.RecordCount + seal.TrailCount;
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }

    // Why the batch breaks the chain, or null when it holds.
    private static string? Check(ChainState chain, CallBatchSeal seal, ChainLink previous, List<Sealed<UsageRecord>> records, List<Sealed<Trail.TrailEntry>> trail)
    {
        if (seal.Sequence != previous.Sequence + 1)
        {
            return $"batch {seal.Sequence} is where batch {previous.Sequence + 1} should be (a batch is missing or out of order)";
        }

        if (!string.Equals(seal.PreviousHash, previous.Hash, StringComparison.Ordinal))
        {
            return "its previous hash does not match the batch before it";
        }

        if (!string.Equals(CallChain.ComputeHash(seal), seal.Hash, StringComparison.Ordinal))
        {
            return "its seal does not match its hash (the seal was altered)";
        }

        if (seal.Sequence > chain.RecordsPrunedThrough
            && ItemsProblem("records", seal.RecordCount, seal.RecordsDigest, records, CallChain.RecordsDigest) is { } recordsProblem)
        {
            return recordsProblem;
        }

        return seal.Sequence > chain.TrailPrunedThrough
            ? ItemsProblem("trail entries", seal.TrailCount, seal.TrailDigest, trail, CallChain.TrailDigest)
            : null;
    }

    private static string? ItemsProblem<T>(string what, int count, string digest, List<Sealed<T>> items, Func<IEnumerable<T>, string> digestOf)
    {
        if (items.Count != count)
        {
            return $"it holds {items.Count} {what} but was sealed with {count} ({(items.Count < count ? "deleted" : "inserted")})";
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Position != i)
            {
                return $"its {what} are not at positions 0 to {count - 1} (deleted, inserted or moved)";
            }
        }

        return string.Equals(digestOf(items.Select(i => i.Item)), digest, StringComparison.Ordinal)
            ? null
            : $"its {what} do not match the seal (altered or reordered)";
    }
}

/// <summary>The outcome of verifying every chain: valid only if each chain holds and nothing lies outside them.</summary>
public sealed record CallChainVerification(bool Valid, IReadOnlyList<ChainVerification> Chains, long UnsealedItems)
{
    /// <summary>The first problem found, for a one-line report; null when valid.</summary>
    public string? FirstProblem =>
        Chains.FirstOrDefault(c => !c.Valid) is { } broken
            ? $"chain '{broken.Chain}' batch {broken.FirstBrokenBatch}: {broken.Reason}"
            : UnsealedItems > 0 ? $"{UnsealedItems} records or trail entries belong to no sealed batch (inserted)" : null;
}

/// <summary>One chain's verification: the batches and records verified before the first broken batch, if any.</summary>
public sealed record ChainVerification(string Chain, bool Valid, long VerifiedBatches, long VerifiedRecords, long? FirstBrokenBatch, string? Reason)
{
    public static ChainVerification Broken(ChainState chain, long batches, long records, long batch, string reason) =>
        new(chain.Chain, false, batches, records, batch, reason);
}
