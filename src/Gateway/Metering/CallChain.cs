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

    /// <summary>The digest of a batch's records in order (<see cref="CanonicalFields"/>: each record's fields, in order).</summary>
    public static string RecordsDigest(IEnumerable<UsageRecord> records) => Digest(records, WriteRecord);

    /// <summary>The digest of a batch's trail entries in order, as <see cref="RecordsDigest"/>.</summary>
    public static string TrailDigest(IEnumerable<Trail.TrailEntry> entries) => Digest(entries, WriteTrailEntry);

    // Every record is sealed on the writer thread: its fields go into one reused buffer and are hashed from there, with
    // no array, box, text formatting of numbers or escaping per record.
    private static string Digest<T>(IEnumerable<T> items, Action<CanonicalFields, T> write)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var fields = new CanonicalFields();
        foreach (var item in items)
        {
            write(fields, item);
            digest.AppendData(fields.Written);
            fields.Clear();
        }

        return Convert.ToHexStringLower(digest.GetHashAndReset());
    }

    private static void WriteRecord(CanonicalFields fields, UsageRecord record)
    {
        fields.Text(record.TransactionId);
        fields.Number(record.Timestamp.ToUnixTimeMilliseconds());
        fields.Text(record.Agency);
        fields.Text(record.Client);
        fields.Text(record.Service);
        fields.Text(record.ServiceVersion);
        fields.Text(record.Grant);
        fields.Text(record.Method);
        fields.Number(record.Status);
        fields.Number((int)record.Outcome);
        fields.Real(record.LatencyMs);
        fields.Real(record.UpstreamLatencyMs);
        fields.Number(record.RequestBytes);
        fields.Number(record.ResponseBytes);
        fields.Text(record.Purpose);
        fields.End();
    }

    private static void WriteTrailEntry(CanonicalFields fields, Trail.TrailEntry entry)
    {
        fields.Text(entry.TransactionId);
        fields.Text(entry.SubjectKey);
        fields.Text(entry.Subject);
        fields.Number(entry.Timestamp.ToUnixTimeMilliseconds());
        fields.Text(entry.Agency);
        fields.Text(entry.Client);
        fields.Text(entry.Service);
        fields.Text(entry.Purpose);
        fields.Number(entry.Status);
        fields.Number((int)entry.Outcome);
        fields.End();
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
            RecordsDigest = RecordsDigest(records),
            TrailCount = trail.Count,
            TrailDigest = TrailDigest(trail),
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
