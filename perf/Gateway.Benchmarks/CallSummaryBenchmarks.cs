using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Observability;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Ndxp.Gateway.Benchmarks;

/// <summary>
/// The access log line of a call, on the request thread. <see cref="WriteDirect"/> is the production default: the
/// compact JSON line written straight into the <see cref="BatchedLogWriter"/> queue. <see cref="Write"/> is the way
/// taken when sinks are configured: a Serilog event through the gateway's pipeline (its level overrides and
/// enrichers), formatted where it is logged into the same queue. Both over <see cref="Stream.Null"/>.
/// <see cref="Format"/> is the formatter's part of <see cref="Write"/> alone, into a reused writer.
/// </summary>
/// <remarks>
/// The writer empties the queue on its own thread while a benchmark runs, and BenchmarkDotNet counts every thread's
/// allocations. A benchmark queues lines faster than the writer takes them: once the queue (the production 100,000)
/// is full, lines are dropped and counted, which costs the request thread about what queueing does; the count is
/// printed at the end.
/// </remarks>
[MemoryDiagnoser]
public class CallSummaryBenchmarks : IDisposable
{
    private BatchedLogWriter _writer = null!;
    private Logger _logger = null!;
    private CallSummary _summary = null!;
    private CallSummary _direct = null!;
    private GatewayCall _call = null!;
    private LogEvent _event = null!;
    private RenderedCompactJsonFormatter _formatter = null!;
    private StringWriter _line = null!;
    private double _droppedBefore;

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new ObservabilityOptions());
        _writer = new BatchedLogWriter(new RenderedCompactJsonFormatter(), Stream.Null, options.Value.LogBufferSize, options.Value.LogBatchInterval, TimeProvider.System);
        _logger = Pipeline().WriteTo.Sink(_writer).CreateLogger();
        _summary = new CallSummary(_logger, options, TimeProvider.System);
        _direct = new CallSummary(_logger, options, TimeProvider.System, _writer);
        _call = DemoCall.Forwarded();
        _droppedBefore = GatewayMetrics.LogEventsDropped.Value;

        // The event Format renders is one the summary wrote, as it left the enrichers.
        var last = new LastEvent();
        using (var capturing = Pipeline().WriteTo.Sink(last).CreateLogger())
        {
            new CallSummary(capturing, options, TimeProvider.System).Write(_call, DemoCall.Result, DemoCall.ConnectionId);
        }

        _event = last.Event ?? throw new InvalidOperationException("The call summary wrote no event.");
        _formatter = new RenderedCompactJsonFormatter();
        _line = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Benchmark]
    public void Write() => _summary.Write(_call, DemoCall.Result, DemoCall.ConnectionId);

    [Benchmark]
    public void WriteDirect() => _direct.Write(_call, DemoCall.Result, DemoCall.ConnectionId);

    [Benchmark]
    public int Format()
    {
        _line.GetStringBuilder().Clear();
        _formatter.Format(_event, _line);
        return _line.GetStringBuilder().Length;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        if (_writer is not null)
        {
            Console.WriteLine($"// Call summary events dropped by the full log queue: {GatewayMetrics.LogEventsDropped.Value - _droppedBefore:N0}");
        }

        _logger?.Dispose();
        _writer?.Dispose();
        _line?.Dispose();
        GC.SuppressFinalize(this);
    }

    // The gateway's logger (GatewayApplication and appsettings.json): its default level, the overrides that matter to
    // the summary's lookup, and the enrichers that see every event.
    private static LoggerConfiguration Pipeline() => new LoggerConfiguration()
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
        .MinimumLevel.Override("Yarp", LogEventLevel.Warning)
        .Enrich.FromLogContext()
        .Enrich.With<PersonalDataRedactor>()
        .Enrich.With<LogStringCap>();

    private sealed class LastEvent : ILogEventSink
    {
        public LogEvent? Event { get; private set; }

        public void Emit(LogEvent logEvent) => Event = logEvent;
    }
}
