namespace Ndxp.Gateway.Trail;

/// <summary>Reads a data subject's access trail (the entries are written with the call records, by the usage store).</summary>
public interface ITrailStore
{
    /// <summary>The subject's entries, newest first, one page.</summary>
    Task<IReadOnlyList<TrailEntry>> ReadTrailAsync(TrailQuery query, CancellationToken cancellationToken);
}

/// <summary>
/// Which entries a trail read wants: those of the subject's pseudonyms (one per key version), without the hidden
/// agencies' calls, older than the cursor, at most <see cref="Limit"/>.
/// </summary>
public sealed record TrailQuery(IReadOnlyList<SubjectPseudonym> Subjects, int Limit)
{
    public IReadOnlyCollection<string> HiddenAgencies { get; init; } = [];

    /// <summary>The last entry of the previous page; null for the first page.</summary>
    public TrailCursor? Before { get; init; }
}

/// <summary>Where a page of the trail ended: its last entry's time and transaction id.</summary>
public sealed record TrailCursor(DateTimeOffset Timestamp, string TransactionId)
{
    public static TrailCursor After(TrailEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Timestamp, entry.TransactionId);
    }

    /// <summary>As a query parameter: milliseconds and transaction id, base64url.</summary>
    public string Encode() => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Timestamp.ToUnixTimeMilliseconds()}|{TransactionId}"));

    public static TrailCursor? Decode(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 200)
        {
            return null;
        }

        try
        {
            var parts = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(value).Split('|', 2);
            return parts.Length == 2 && long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
                && ms <= 253402300799999 && parts[1].Length > 0
                ? new TrailCursor(DateTimeOffset.FromUnixTimeMilliseconds(ms), parts[1])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
