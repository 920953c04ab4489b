using Ndxp.Gateway.Observability;
using Ndxp.Gateway.Tests.Infrastructure;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Ndxp.Gateway.Tests.Observability;

/// <summary>Log events the background writer drops when its buffer is full are counted, not lost silently.</summary>
public sealed class DroppedLogEventsTests : IAsyncLifetime
{
    private const int Buffer = 100;
    private const int Overflow = 37;
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public void Events_beyond_a_full_buffer_are_dropped_and_each_one_is_counted()
    {
        var monitor = new DroppedLogEvents();
        using var stuck = new StuckSink();
        var before = GatewayMetrics.LogEventsDropped.Value;
        var logger = new LoggerConfiguration().WriteTo.Async(a => a.Sink(stuck), monitor, Buffer).CreateLogger();
        try
        {
            // The writer takes the first event and hangs on it, as on a console nobody reads: the buffer fills behind it.
            logger.Information("first");
            Assert.True(stuck.Entered.Wait(Poll.Deadline), "the writer never took the first event");
            for (var i = 0; i < Buffer + Overflow; i++)
            {
                logger.Information("event {Number}", i);
            }

            monitor.Count();
            Assert.Equal(Overflow, GatewayMetrics.LogEventsDropped.Value - before);
        }
        finally
        {
            stuck.Release();
            logger.Dispose();
        }
    }

    [Fact]
    public async Task The_gateways_console_writer_reports_to_the_counter_it_exports()
    {
        var gateway = await _workspace.StartGatewayAsync($"--Observability:LogBufferSize={Buffer}");

        var monitor = gateway.Services.GetRequiredService<DroppedLogEvents>();
        Assert.Equal(Buffer, monitor.BufferSize);
        var before = MetricsText.ValueOf(await gateway.Admin.GetStringAsync("/metrics"), "ndxp_gateway_log_events_dropped_total");

        // The writer's inspector, as it would read after five drops: the next scrape exports them.
        monitor.StartMonitoring(new DroppedInspector(Buffer, dropped: 5));
        var after = MetricsText.ValueOf(await gateway.Admin.GetStringAsync("/metrics"), "ndxp_gateway_log_events_dropped_total");

        Assert.NotNull(before);
        Assert.Equal(before + 5, after);
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    private sealed class DroppedInspector(int bufferSize, long dropped) : Serilog.Sinks.Async.IAsyncLogEventSinkInspector
    {
        public int BufferSize => bufferSize;

        public int Count => 0;

        public long DroppedMessagesCount => dropped;
    }

    /// <summary>A sink that blocks on its first event until released.</summary>
    private sealed class StuckSink : ILogEventSink, IDisposable
    {
        private readonly ManualResetEventSlim _released = new();

        public ManualResetEventSlim Entered { get; } = new();

        public void Emit(LogEvent logEvent)
        {
            Entered.Set();
            _released.Wait();
        }

        public void Release() => _released.Set();

        public void Dispose()
        {
            _released.Dispose();
            Entered.Dispose();
        }
    }
}
