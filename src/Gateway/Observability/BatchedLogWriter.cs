using System.Text;
using System.Threading.Channels;
using Ndxp.Gateway.Hosting;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// The console log writer. Each event is formatted where it is logged, into a UTF-8 line of its own size, so that the
/// event and its properties die young instead of waiting in a queue long enough to be promoted by the garbage collector
/// (a shared array pool does not fit here: thousands of lines wait at once, more than it keeps, so it would allocate a
/// rounded-up array per line). The lines are queued (bounded by <see cref="ObservabilityOptions.LogBufferSize"/>) and
/// one loop on a thread of its own (<see cref="BackgroundThread"/>) writes them in batches, one buffered write and flush
/// per batch with a pause of <see cref="ObservabilityOptions.LogBatchInterval"/> between batches: a call never waits
/// for the console, and a busy gateway pays one wake-up and a few system calls per batch instead of per line. When the
/// queue is full, lines are dropped rather than slowing calls, and each drop is counted in
/// <c>ndxp_gateway_log_events_dropped_total</c>. (Serilog.Sinks.Async writes and flushes line by line; Serilog's own
/// batching drops a full queue's events without counting them.)
/// </summary>
internal sealed class BatchedLogWriter : ILogEventSink, IDisposable
{
    private const int OutputBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static StringWriter? t_line;

    private readonly Channel<byte[]> _queue;
    private readonly ITextFormatter _formatter;
    private readonly Stream _output;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly Task _writing;

    public BatchedLogWriter(ITextFormatter formatter, Stream output, int capacity, TimeSpan interval, TimeProvider clock)
    {
        _formatter = formatter;
        _output = output;
        _interval = interval;
        _clock = clock;
        Capacity = capacity;
        _queue = Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => GatewayMetrics.LogEventsDropped.Inc());
        _writing = BackgroundThread.Run("ndxp log writer", WriteAsync);
    }

    /// <summary>How many lines may wait to be written.</summary>
    public int Capacity { get; }

    public void Emit(LogEvent logEvent)
    {
        var text = t_line ??= new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var chars = text.GetStringBuilder().Clear();
        _formatter.Format(logEvent, text);
        var length = 0;
        foreach (var chunk in chars.GetChunks())
        {
            length += Encoding.UTF8.GetByteCount(chunk.Span);
        }

        var line = new byte[length];
        var written = 0;
        foreach (var chunk in chars.GetChunks())
        {
            written += Encoding.UTF8.GetBytes(chunk.Span, line.AsSpan(written));
        }

        Enqueue(line);
    }

    /// <summary>Queues a whole UTF-8 line, newline included, formatted by the caller (the access log's own line).</summary>
    public void Enqueue(byte[] line) =>
        // False only once shut down: nowhere left to write it.
        _queue.Writer.TryWrite(line);

    private async Task WriteAsync()
    {
        var reader = _queue.Reader;
        var buffer = new byte[OutputBufferBytes];
        while (await reader.WaitToReadAsync())
        {
            var used = 0;
            try
            {
                while (reader.TryRead(out var line))
                {
                    if (used + line.Length > buffer.Length)
                    {
                        _output.Write(buffer, 0, used);
                        used = 0;
                    }

                    if (line.Length > buffer.Length)
                    {
                        _output.Write(line);
                    }
                    else
                    {
                        line.CopyTo(buffer.AsSpan(used));
                        used += line.Length;
                    }
                }

                _output.Write(buffer, 0, used);
                _output.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
            {
                // Nowhere left to log it but Serilog's own diagnostics; the next batch tries again.
                SelfLog.WriteLine("The console log writer failed: {0}", ex);
            }

            if (!reader.Completion.IsCompleted)
            {
                // Let the next batch gather; shutdown does not wait for the pause.
                await Task.WhenAny(Task.Delay(_interval, _clock), reader.Completion);
            }
        }
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public void Dispose()
    {
        // Both the logger and the service container dispose it: the second time there is nothing left to do.
        if (_queue.Writer.TryComplete())
        {
            _writing.Wait(TimeSpan.FromSeconds(5));
            _output.Dispose();
        }
    }
}
