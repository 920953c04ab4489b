using System.Buffers;
using System.Text;
using Ndxp.Gateway.Hosting;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// The console log writer. Each line is formatted where it is logged and copied, as UTF-8, into the end of a 64 KiB
/// chunk that the writer reuses: a line allocates nothing that has to wait. (A line per array waited up to a batch
/// interval for the writer; under the GC's adaptation to the application's size, DATAS, the thousands waiting at each
/// collection were promoted and died old, which cost the gateway more CPU than writing them: perf/README.md.) One loop
/// on a thread of its own (<see cref="BackgroundThread"/>) writes the filled chunks in batches, one write per chunk and
/// one flush per batch with a pause of <see cref="ObservabilityOptions.LogBatchInterval"/> between batches: a call
/// never waits for the console, and a busy gateway pays one wake-up and a few system calls per batch instead of per
/// line. At most <see cref="Capacity"/> lines wait; beyond that lines are dropped rather than slowing calls, and each
/// drop is counted in <c>ndxp_gateway_log_events_dropped_total</c>. (Serilog.Sinks.Async writes and flushes line by
/// line; Serilog's own batching drops a full queue's events without counting them.)
/// </summary>
internal sealed class BatchedLogWriter : ILogEventSink, IDisposable
{
    private const int ChunkBytes = 64 * 1024;

    // Chunks kept for reuse once written: a 100 ms batch at 40,000 lines/s (4 MiB), not a burst's memory held for ever.
    private const int SpareChunks = 64;

    [ThreadStatic]
    private static StringWriter? t_text;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_bytes;

    private readonly Lock _sync = new();
    private readonly Queue<Chunk> _filled = new();
    private readonly Stack<byte[]> _spare = new();
    private readonly SemaphoreSlim _linesWaiting = new(0);
    private readonly ITextFormatter _formatter;
    private readonly Stream _output;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writing;
    private byte[] _current = new byte[ChunkBytes];
    private int _used;
    private int _lines;
    private bool _stopped;

    public BatchedLogWriter(ITextFormatter formatter, Stream output, int capacity, TimeSpan interval, TimeProvider clock)
    {
        _formatter = formatter;
        _output = output;
        _interval = interval;
        _clock = clock;
        Capacity = capacity;
        _writing = BackgroundThread.Run("ndxp log writer", WriteAsync);
    }

    /// <summary>How many lines may wait to be written.</summary>
    public int Capacity { get; }

    public void Emit(LogEvent logEvent)
    {
        var text = t_text ??= new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var chars = text.GetStringBuilder().Clear();
        _formatter.Format(logEvent, text);
        var bytes = t_bytes ??= new ArrayBufferWriter<byte>(1024);
        bytes.ResetWrittenCount();
        foreach (var chunk in chars.GetChunks())
        {
            bytes.Advance(Encoding.UTF8.GetBytes(chunk.Span, bytes.GetSpan(Encoding.UTF8.GetMaxByteCount(chunk.Length))));
        }

        Append(bytes.WrittenSpan);
    }

    /// <summary>Queues a whole UTF-8 line, newline included, formatted by the caller (the access log's own line).</summary>
    public void Append(ReadOnlySpan<byte> line)
    {
        lock (_sync)
        {
            if (_stopped)
            {
                // Shut down: nowhere left to write it.
                return;
            }

            if (_lines < Capacity)
            {
                if (line.Length > _current.Length - _used)
                {
                    Seal();
                }

                if (line.Length > _current.Length)
                {
                    // Longer than a chunk (an exception's stack trace, say): a chunk of its own.
                    _filled.Enqueue(new Chunk(line.ToArray(), line.Length, Reusable: false));
                }
                else
                {
                    line.CopyTo(_current.AsSpan(_used));
                    _used += line.Length;
                }

                // The first line since the writer last took them wakes it. Under the lock, so that no wake-up can
                // follow Dispose, which stops appending under it before it lets the writer go.
                if (_lines++ == 0)
                {
                    _linesWaiting.Release();
                }

                return;
            }
        }

        GatewayMetrics.LogEventsDropped.Inc();
    }

    // Under the lock: the current chunk joins the filled ones and a spare (or new) one takes its place.
    private void Seal()
    {
        if (_used > 0)
        {
            _filled.Enqueue(new Chunk(_current, _used, Reusable: true));
            _current = _spare.TryPop(out var spare) ? spare : new byte[ChunkBytes];
            _used = 0;
        }
    }

    private async Task WriteAsync()
    {
        var batch = new List<Chunk>();
        while (true)
        {
            try
            {
                await _linesWaiting.WaitAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping: what is left is written below, then the loop ends.
            }

            bool last;
            lock (_sync)
            {
                Seal();
                batch.AddRange(_filled);
                _filled.Clear();
                _lines = 0;

                // Once stopped nothing more is appended, so a batch taken after that is the last. Decided here, not
                // after the write: a line appended while this batch is written must still get a pass of its own.
                last = _stopped;
            }

            Write(batch);
            lock (_sync)
            {
                foreach (var chunk in batch)
                {
                    if (chunk.Reusable && _spare.Count < SpareChunks)
                    {
                        _spare.Push(chunk.Bytes);
                    }
                }
            }

            batch.Clear();
            if (last)
            {
                return;
            }

            // Let the next batch gather; shutdown does not wait for the pause.
            await PauseAsync();
        }
    }

    private async Task PauseAsync()
    {
        try
        {
            await Task.Delay(_interval, _clock, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the next pass writes what is left.
        }
    }

    private void Write(List<Chunk> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            foreach (var chunk in batch)
            {
                _output.Write(chunk.Bytes, 0, chunk.Length);
            }

            _output.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
        {
            // Nowhere left to log it but Serilog's own diagnostics; the next batch tries again.
            SelfLog.WriteLine("The console log writer failed: {0}", ex);
        }
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public void Dispose()
    {
        // Both the logger and the service container dispose it: the second time there is nothing left to do.
        lock (_sync)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
        }

        _stopping.Cancel();
        _writing.Wait(TimeSpan.FromSeconds(5));
        _output.Dispose();
        _stopping.Dispose();
        _linesWaiting.Dispose();
    }

    private readonly record struct Chunk(byte[] Bytes, int Length, bool Reusable);
}
