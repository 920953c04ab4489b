using System.Buffers;
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

    /// <summary>The digest of a batch's records in order: each record's fields as a JSON array, one a line.</summary>
    public static string RecordsDigest(IEnumerable<UsageRecord> records) => Digest(records, WriteRecord);

    /// <summary>The digest of a batch's trail entries in order, as <see cref="RecordsDigest"/>.</summary>
    public static string TrailDigest(IEnumerable<Trail.TrailEntry> entries) => Digest(entries, WriteTrailEntry);

    // Each item's fields as a JSON array (unambiguous, independent of column and property names), written into one
    // reused buffer and hashed from there: the writer thread seals every record, so no array or box per record.
    private static string Digest<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new ArrayBufferWriter<byte>(512);
        using var json = new Utf8JsonWriter(buffer);
        foreach (var item in items)
        {
            write(json, item);
            json.Flush();
            digest.AppendData(buffer.WrittenSpan);
            digest.AppendData("\n"u8);
            buffer.ResetWrittenCount();
            json.Reset(buffer);
        }

        return Convert.ToHexStringLower(digest.GetHashAndReset());
    }

    private static void WriteRecord(Utf8JsonWriter json, UsageRecord record)
    {
        json.WriteStartArray();
        json.WriteStringValue(record.TransactionId);
        json.WriteNumberValue(record.Timestamp.ToUnixTimeMilliseconds());
        json.WriteStringValue(record.Agency);
        json.WriteStringValue(record.Client);
        json.WriteStringValue(record.Service);
        WriteNullable(json, record.ServiceVersion);
        WriteNullable(json, record.Grant);
        json.WriteStringValue(record.Method);
        json.WriteNumberValue(record.Status);
        json.WriteNumberValue((int)record.Outcome);
        json.WriteNumberValue(record.LatencyMs);
        if (record.UpstreamLatencyMs is { } upstream)
        {
            json.WriteNumberValue(upstream);
        }
        else
        {
            json.WriteNullValue();
        }

        json.WriteNumberValue(record.RequestBytes);
        json.WriteNumberValue(record.ResponseBytes);
        WriteNullable(json, record.Purpose);
        json.WriteEndArray();
    }

    private static void WriteTrailEntry(Utf8JsonWriter json, Trail.TrailEntry entry)
    {
        json.WriteStartArray();
        json.WriteStringValue(entry.TransactionId);
        json.WriteStringValue(entry.SubjectKey);
        json.WriteStringValue(entry.Subject);
        json.WriteNumberValue(entry.Timestamp.ToUnixTimeMilliseconds());
        json.WriteStringValue(entry.Agency);
        json.WriteStringValue(entry.Client);
        json.WriteStringValue(entry.Service);
        WriteNullable(json, entry.Purpose);
        json.WriteNumberValue(entry.Status);
        json.WriteNumberValue((int)entry.Outcome);
        json.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string? value)
    {
        if (value is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStringValue(value);
        }
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
