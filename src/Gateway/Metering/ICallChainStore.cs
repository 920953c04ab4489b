using Ndxp.Gateway.Trail;

namespace Ndxp.Gateway.Metering;

/// <summary>What the usage store keeps of the call chains, read for verification (<see cref="CallChainVerifier"/>).</summary>
public interface ICallChainStore
{
    /// <summary>A consistent read of the chains (one read transaction): what was stored when it began.</summary>
    Task<ICallChainReader> OpenReaderAsync(CancellationToken cancellationToken);
}

/// <summary>One consistent read of the stored chains; each page is read in order of batch, then position.</summary>
public interface ICallChainReader : IAsyncDisposable
{
    Task<IReadOnlyList<ChainState>> ReadChainsAsync(CancellationToken cancellationToken);

    /// <summary>Seals of the chain with a sequence above <paramref name="afterSequence"/>, in sequence order.</summary>
    Task<IReadOnlyList<CallBatchSeal>> ReadSealsAsync(string chain, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>The chain's records in batches [first, last], by batch and position.</summary>
    Task<IReadOnlyList<Sealed<UsageRecord>>> ReadRecordsAsync(string chain, long first, long last, CancellationToken cancellationToken);

    /// <summary>The chain's trail entries in batches [first, last], by batch and position.</summary>
    Task<IReadOnlyList<Sealed<TrailEntry>>> ReadTrailAsync(string chain, long first, long last, CancellationToken cancellationToken);

    /// <summary>Records and trail entries that claim no chain the store knows, or a batch beyond its chain's head.</summary>
    Task<long> CountUnsealedAsync(CancellationToken cancellationToken);
}

/// <summary>A chain as stored: its head, and how far retention has taken its records, trail entries and seals.</summary>
public sealed record ChainState(string Chain, ChainLink Head, ChainLink Anchor, long RecordsPrunedThrough, long TrailPrunedThrough);

/// <summary>A stored item with the batch and position it was sealed at.</summary>
public sealed record Sealed<T>(long Batch, int Position, T Item);
