using System.Text;
using System.Threading.Channels;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// The console log writer: events are queued (bounded by <see cref="ObservabilityOptions.LogBufferSize"/>) and written
/// by one background loop in batches, one buffered write and flush per batch with a pause of
/// <see cref="ObservabilityOptions.LogBatchInterval"/> between batches, so a call never waits for the console and a
/// busy gateway pays one wake-up and a few system calls per batch instead of per line. When the queue is full, events
/// are dropped rather than slowing calls, and each drop is counted in <c>ndxp_gateway_log_events_dropped_total</c>.
/// (Serilog.Sinks.Async writes and flushes line by line; Serilog's own batching drops a full queue's events without
/// counting them.)
/// </summary>
internal sealed class BatchedLogWriter : ILogEventSink, IDisposable
{
    private readonly Channel<LogEvent> _queue;
    private readonly ITextFormatter _formatter;
    private readonly TextWriter _output;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly Task _writing;

    public BatchedLogWriter(ITextFormatter formatter, Stream output, int capacity, TimeSpan interval, TimeProvider clock)
    {
        _formatter = formatter;
        _output = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024) { AutoFlush = false };
        _interval = interval;
        _clock = clock;
        Capacity = capacity;
        _queue = Channel.CreateBounded<LogEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => GatewayMetrics.LogEventsDropped.Inc());
        _writing = Task.Run(WriteAsync);
    }

    /// <summary>How many events may wait to be written.</summary>
    public int Capacity { get; }

    public void Emit(LogEvent logEvent) => _queue.Writer.TryWrite(logEvent);

    private async Task WriteAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            try
            {
                while (reader.TryRead(out var logEvent))
                {
                    _formatter.Format(logEvent, _output);
                }

                _output.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or FormatException or InvalidOperationException)
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
