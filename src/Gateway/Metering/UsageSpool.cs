using System.Text.Json;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// The append-only overflow of metering: records the store could not take, one JSON object a line, fsync'ed on each
/// append, replayed in order when the store is back. Replays are safe to repeat because the store ignores
/// transaction ids it already holds.
/// </summary>
internal sealed class UsageSpool
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _path;

    public UsageSpool(string path)
    {
        _path = path;
        if (File.Exists(path))
        {
            Records = File.ReadLines(path).LongCount(line => line.Length > 0);
        }
    }

    /// <summary>Records waiting in the spool file.</summary>
    public long Records { get; private set; }

    public bool HasRecords => Records > 0;

    public long SizeBytes => File.Exists(_path) ? new FileInfo(_path).Length : 0;

    public async Task AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        await using (var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024, FileOptions.Asynchronous))
        {
            await using (var writer = new StreamWriter(stream, leaveOpen: true))
            {
                foreach (var record in records)
                {
                    await writer.WriteLineAsync(JsonSerializer.Serialize(record, Json).AsMemory(), cancellationToken);
                }

                await writer.FlushAsync(cancellationToken);
            }

            stream.Flush(flushToDisk: true);
        }

        Records += records.Count;
    }

    /// <summary>
    /// Hands the spooled records to <paramref name="write"/> in order, in batches; deletes the file once all were
    /// written. Returns the number of unreadable (torn) lines skipped, for the caller to report.
    /// </summary>
    public async Task<int> ReplayAsync(int batchSize, Func<IReadOnlyList<UsageRecord>, Task> write, CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            Records = 0;
            return 0;
        }

        var torn = 0;
        var batch = new List<UsageRecord>(batchSize);
        foreach (var line in File.ReadLines(_path))
        {
            // A line torn by a crash in the middle of an append is the only unreadable kind; the rest of the file is whole.
            if (line.Length == 0)
            {
                continue;
            }

            if (!TryParse(line, out var record))
            {
                torn++;
                continue;
            }

            batch.Add(record);
            if (batch.Count == batchSize)
            {
                await write(batch);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await write(batch);
        }

        cancellationToken.ThrowIfCancellationRequested();
        File.Delete(_path);
        Records = 0;
        return torn;
    }

    private static bool TryParse(string line, out UsageRecord record)
    {
        try
        {
            record = JsonSerializer.Deserialize<UsageRecord>(line, Json)!;
            return record is not null;
        }
        catch (JsonException)
        {
            record = null!;
            return false;
        }
    }
}
