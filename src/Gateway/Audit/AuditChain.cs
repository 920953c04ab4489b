using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ndxp.Gateway.Audit;

/// <summary>
/// Seals audit entries into a hash chain and verifies it. Each hash covers the entry's fields and the previous
/// entry's hash, so altering, deleting or reordering an entry breaks every link after it; the head (last sequence
/// and hash), kept beside the trail, catches entries cut off at the end.
/// </summary>
public static class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    // Secret hashes are credentials material: the trail says a secret changed, never what it is.
    private static readonly string[] SecretFields = ["secretHash", "previousSecretHash"];

    public static AuditEntry Seal(AuditEntry unsealed, string previousHash)
    {
        ArgumentNullException.ThrowIfNull(unsealed);
        var entry = unsealed with { PreviousHash = previousHash, Hash = "" };
        return entry with { Hash = ComputeHash(entry) };
    }

    public static string ComputeHash(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // A JSON array of the fields: unambiguous (strings escaped and delimited) and independent of property names.
        var canonical = JsonSerializer.SerializeToUtf8Bytes(new object?[]
        {
            entry.Sequence,
            entry.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            entry.Actor,
            entry.ActorAgency,
            entry.Source,
            entry.Action,
            entry.Kind,
            entry.EntityId,
            entry.Before,
            entry.After,
            entry.Revision,
            entry.PreviousHash,
        });
        return Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    /// <summary>Truncates to whole milliseconds in UTC, what both stores keep exactly.</summary>
    public static DateTimeOffset Timestamp(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    /// <summary>The entity's JSON as the trail keeps it: secret hashes replaced by a marker.</summary>
    public static string? Redact(string? json)
    {
        if (json is null)
        {
            return null;
        }

        var node = JsonNode.Parse(json)!.AsObject();
        foreach (var field in SecretFields.Where(node.ContainsKey))
        {
            node[field] = "(redacted)";
        }

        return node.ToJsonString();
    }

    /// <summary>Walks the trail in sequence order; the first broken link is reported and the walk stops there.</summary>
    public static AuditVerification Verify(IEnumerable<AuditEntry> entries, AuditHead head)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(head);
        var expectedSequence = 1L;
        var previousHash = GenesisHash;
        foreach (var entry in entries)
        {
            if (entry.Sequence != expectedSequence)
            {
                // A later sequence in this place is a deleted entry or two entries read in each other's place.
                return AuditVerification.Broken(expectedSequence - 1, expectedSequence,
                    $"entry {entry.Sequence} is where entry {expectedSequence} should be (an entry is missing or out of order)");
            }

            if (!string.Equals(entry.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                return AuditVerification.Broken(expectedSequence - 1, entry.Sequence, "its previous hash does not match the entry before it");
            }

            if (!string.Equals(ComputeHash(entry), entry.Hash, StringComparison.Ordinal))
            {
                return AuditVerification.Broken(expectedSequence - 1, entry.Sequence, "its content does not match its hash (altered)");
            }

            previousHash = entry.Hash;
            expectedSequence++;
        }

        var last = expectedSequence - 1;
        if (head.Sequence != last)
        {
            return AuditVerification.Broken(last, last + 1,
                head.Sequence > last ? $"the trail ends at {last} but its head says {head.Sequence}: entries were removed" : $"the head says {head.Sequence} but the trail goes on to {last}");
        }

        if (!string.Equals(head.Hash, previousHash, StringComparison.Ordinal))
        {
            return AuditVerification.Broken(last, last, "the last entry's hash does not match the head");
        }

        return new AuditVerification(true, last, null, null);
    }
}

/// <summary>The last sequence and hash of the trail, kept apart from the entries (and logged on every change).</summary>
public sealed record AuditHead(long Sequence, string Hash)
{
    public static AuditHead Empty { get; } = new(0, AuditChain.GenesisHash);
}

/// <summary>The outcome of a verification: valid, or the first broken link and why.</summary>
public sealed record AuditVerification(bool Valid, long VerifiedEntries, long? FirstBrokenSequence, string? Reason)
{
    public static AuditVerification Broken(long verified, long sequence, string reason) => new(false, verified, sequence, reason);
}
