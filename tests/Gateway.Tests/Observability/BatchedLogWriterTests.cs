using Ndxp.Gateway.Observability;
using Ndxp.Gateway.Tests.Infrastructure;
using Serilog;
using Serilog.Formatting.Compact;

namespace Ndxp.Gateway.Tests.Observability;

/// <summary>
/// The console writer writes in batches off the request path, and the events it drops when its buffer is full are
/// counted, not lost silently.
/// </summary>
public sealed class BatchedLogWriterTests : IAsyncLifetime
{
    private const int Buffer = 100;
    private const int Overflow = 37;
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public void Events_beyond_a_full_buffer_are_dropped_and_each_one_is_counted()
    {
        using var console = new StuckStream();
        var before = GatewayMetrics.LogEventsDropped.Value;
        using var writer = new BatchedLogWriter(new CompactJsonFormatter(), console, Buffer, TimeSpan.Zero, TimeProvider.System);
        using var logger = new LoggerConfiguration().WriteTo.Sink(writer).CreateLogger();
        try
        {
            // The writer takes the first event and hangs writing it, as on a console nobody reads: the buffer fills behind it.
            logger.Information("first");
            Assert.True(console.Entered.Wait(Poll.Deadline), "the writer never wrote the first event");
            for (var i = 0; i < Buffer + Overflow; i++)
            {
                logger.Information("event {Number}", i);
            }

            Assert.Equal(Overflow, GatewayMetrics.LogEventsDropped.Value - before);
        }
        finally
        {
            console.Release();
        }
    }

    [Fact]
    public async Task Lines_that_queued_up_are_written_together_not_one_write_each()
    {
        using var console = new StuckStream();
        using var writer = new BatchedLogWriter(new CompactJsonFormatter(), console, 10_000, TimeSpan.Zero, TimeProvider.System);
        using var logger = new LoggerConfiguration().WriteTo.Sink(writer).CreateLogger();
        logger.Information("first");
        Assert.True(console.Entered.Wait(Poll.Deadline), "the writer never wrote the first event");
        const int Queued = 2_000;
        for (var i = 0; i < Queued; i++)
        {
            logger.Information("event {Number}", i);
        }

        var writesBefore = console.Writes;
        console.Release();
        await Poll.UntilAsync(() => Task.FromResult(console.Lines == Queued + 1), "every line written");

        // 2,000 lines of ~80 bytes each: a few buffer-fulls and one flush, not 2,000 writes.
        Assert.InRange(console.Writes - writesBefore, 1, 10);
    }

    [Fact]
    public void Lines_longer_than_a_chunk_and_the_lines_around_them_are_written_whole_and_in_order()
    {
        using var output = new MemoryStream();
        using (var writer = new BatchedLogWriter(new CompactJsonFormatter(), output, 10_000, TimeSpan.Zero, TimeProvider.System))
        using (var logger = new LoggerConfiguration().WriteTo.Sink(writer).CreateLogger())
        {
            logger.Information("before {Text}", new string('b', 40_000));
            logger.Information("long {Text}", new string('l', 200_000));
            logger.Information("after {Number}", 1);
        }

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["before", "long", "after"], lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("@mt").GetString()!.Split(' ')[0]));
        Assert.Contains(new string('l', 200_000), lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_queued_while_a_batch_is_written_is_still_written_when_the_writer_stops()
    {
        var console = new StuckStream();
        var writer = new BatchedLogWriter(new CompactJsonFormatter(), console, 10, TimeSpan.Zero, TimeProvider.System);
        writer.Append("{\"first\":1}\n"u8);
        Assert.True(console.Entered.Wait(Poll.Deadline), "the writer never wrote the first line");

        // The writer is in the middle of the first batch when the second line comes and shutdown begins.
        writer.Append("{\"second\":1}\n"u8);
        var stopping = new Thread(writer.Dispose) { IsBackground = true };
        stopping.Start();
        Assert.True(
            SpinWait.SpinUntil(() => (stopping.ThreadState & ThreadState.WaitSleepJoin) != 0, Poll.Deadline),
            "Dispose never began waiting for the writer");
        console.Release();

        Assert.True(stopping.Join(Poll.Deadline), "Dispose never returned");
        Assert.Equal(2, console.Lines);
    }

    [Fact]
    public void A_line_after_shutdown_is_neither_written_nor_counted_as_dropped_nor_an_error()
    {
        using var output = new MemoryStream();
        var writer = new BatchedLogWriter(new CompactJsonFormatter(), output, 10, TimeSpan.Zero, TimeProvider.System);
        writer.Append("{\"before\":1}\n"u8);
        writer.Dispose();
        var dropped = GatewayMetrics.LogEventsDropped.Value;

        writer.Append("{\"after\":1}\n"u8);

        Assert.Equal("{\"before\":1}\n", System.Text.Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(dropped, GatewayMetrics.LogEventsDropped.Value);
    }

    [Fact]
    public void The_console_is_written_from_a_thread_of_its_own_not_a_worker_of_the_calls()
    {
        using var console = new StuckStream();
        using var writer = new BatchedLogWriter(new CompactJsonFormatter(), console, 10, TimeSpan.Zero, TimeProvider.System);
        using var logger = new LoggerConfiguration().WriteTo.Sink(writer).CreateLogger();

        logger.Information("first");
        Assert.True(console.Entered.Wait(Poll.Deadline), "the writer never wrote the first event");

        // A console nobody reads blocks its writer: on the pool that would be a worker taken from the calls.
        Assert.False(console.EnteredOnPoolThread, "the console was written from a thread-pool worker");
        console.Release();
    }

    [Fact]
    public async Task The_gateways_console_writer_is_bounded_by_its_setting_and_its_drops_are_exported()
    {
        var gateway = await _workspace.StartGatewayAsync($"--Observability:LogBufferSize={Buffer}");

        Assert.Equal(Buffer, gateway.Services.GetRequiredService<BatchedLogWriter>().Capacity);
        var before = MetricsText.ValueOf(await gateway.Admin.GetStringAsync("/metrics"), "ndxp_gateway_log_events_dropped_total");
        Assert.NotNull(before);
        GatewayMetrics.LogEventsDropped.Inc(5);

        // Scrapes are cached for a second (Observability:MetricsCacheDuration): the next fresh one shows the drops.
        await Poll.UntilAsync(
            async () => MetricsText.ValueOf(await gateway.Admin.GetStringAsync("/metrics"), "ndxp_gateway_log_events_dropped_total") >= before + 5,
            "the drops in a scrape");
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    /// <summary>A console that blocks in its first write until released, and counts writes and lines.</summary>
    private sealed class StuckStream : Stream
    {
        private readonly ManualResetEventSlim _released = new();
        private int _lines;
        private int _writes;

        public ManualResetEventSlim Entered { get; } = new();

        public bool EnteredOnPoolThread { get; private set; }

        public int Lines => Volatile.Read(ref _lines);

        public int Writes => Volatile.Read(ref _writes);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Release() => _released.Set();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!Entered.IsSet)
            {
                EnteredOnPoolThread = Thread.CurrentThread.IsThreadPoolThread;
            }

            Entered.Set();
            _released.Wait();
            Interlocked.Increment(ref _writes);
            Interlocked.Add(ref _lines, buffer.Count((byte)'\n'));
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _released.Set();
                _released.Dispose();
                Entered.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
