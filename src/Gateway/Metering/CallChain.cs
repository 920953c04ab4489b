using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// The hash chain of call records, one per replica: each batch the writer stores is sealed by a hash over the chain,
/// the batch's sequence, the digest of its records in order, the digest of its trail entries in order and the previous
/// batch's hash. Altering, deleting, inserting or reordering a record changes its batch's digest; removing or
/// reordering batches breaks the links; the chain's head, kept beside it and logged at each seal, catches a cut-off
/// tail. Records and trail entries have digests of their own so that each can expire on its own retention while the
/// chain of seals still verifies.
/// </summary>
public static class CallChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>A record's fields as hashed: a JSON array, unambiguous and independent of column or property names.</summary>
    public static byte[] Canonical(UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return JsonSerializer.SerializeToUtf8Bytes(new object?[]
        {
            record.TransactionId,
            record.Timestamp.ToUnixTimeMilliseconds(),
            record.Agency,
            record.Client,
            record.Service,
            record.ServiceVersion,
            record.Grant,
            record.Method,
            record.Status,
            (int)record.Outcome,
            record.LatencyMs,
            record.UpstreamLatencyMs,
            record.RequestBytes,
            record.ResponseBytes,
            record.Purpose,
        });
    }

    /// <summary>A trail entry's fields as hashed.</summary>
    public static byte[] Canonical(Trail.TrailEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return JsonSerializer.SerializeToUtf8Bytes(new object?[]
        {
            entry.TransactionId,
            entry.SubjectKey,
            entry.Subject,
            entry.Timestamp.ToUnixTimeMilliseconds(),
            entry.Agency,
            entry.Client,
            entry.Service,
            entry.Purpose,
            entry.Status,
            (int)entry.Outcome,
        });
    }

    /// <summary>The digest of a batch's items in order (each item's canonical form, one a line).</summary>
    public static string Digest(IEnumerable<byte[]> canonicalItems)
    {
        ArgumentNullException.ThrowIfNull(canonicalItems);
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var item in canonicalItems)
        {
            digest.AppendData(item);
            digest.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(digest.GetHashAndReset());
    }

    /// <summary>Seals a batch onto the chain's head.</summary>
    public static CallBatchSeal Seal(
        string chain, ChainLink head, DateTimeOffset sealedAt, IReadOnlyList<UsageRecord> records, IReadOnlyList<Trail.TrailEntry> trail)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(trail);
        var seal = new CallBatchSeal
        {
            Chain = chain,
            Sequence = head.Sequence + 1,
            SealedAt = Audit.AuditChain.Timestamp(sealedAt),
            RecordCount = records.Count,
            RecordsDigest = Digest(records.Select(Canonical)),
            TrailCount = trail.Count,
            TrailDigest = Digest(trail.Select(Canonical)),
            PreviousHash = head.Hash,
            Hash = "",
        };
        return seal with { Hash = ComputeHash(seal) };
    }

    public static string ComputeHash(CallBatchSeal seal)
    {
        ArgumentNullException.ThrowIfNull(seal);
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new object?[]
        {
            seal.Chain,
            seal.Sequence,
            seal.SealedAt.ToUnixTimeMilliseconds(),
            seal.RecordCount,
            seal.RecordsDigest,
            seal.TrailCount,
            seal.TrailDigest,
            seal.PreviousHash,
        })));
    }

    /// <summary>
    /// This replica's chain when none is configured: the host name (a pod's name) and the data port, so that replicas
    /// sharing a host name (host networking) still keep chains of their own.
    /// </summary>
    public static string DefaultChainId(int dataPort) => string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{dataPort}");
}

/// <summary>A point of a chain: a batch's sequence and hash (the head, or where retention left the chain's start).</summary>
public sealed record ChainLink(long Sequence, string Hash)
{
    public static ChainLink Genesis { get; } = new(0, CallChain.GenesisHash);
}

/// <summary>One stored batch of call records and trail entries, sealed into its replica's chain.</summary>
public sealed record CallBatchSeal
{
    public required string Chain { get; init; }

    public required long Sequence { get; init; }

    /// <summary>UTC, whole milliseconds.</summary>
    public required DateTimeOffset SealedAt { get; init; }

    public required int RecordCount { get; init; }

    public required string RecordsDigest { get; init; }

    public required int TrailCount { get; init; }

    public required string TrailDigest { get; init; }

    public required string PreviousHash { get; init; }

    public required string Hash { get; init; }
}
