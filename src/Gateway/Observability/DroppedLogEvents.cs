using Serilog.Sinks.Async;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// Counts the log events the background console writer dropped because its buffer
/// (<c>Observability:LogBufferSize</c>) was full, as <c>ndxp_gateway_log_events_dropped_total</c>: the writer never
/// holds a call up, and what that costs must be visible, not silent. Serilog.Sinks.Async hands its inspector to this
/// monitor; the drops since the last scrape are added to the counter before each scrape.
/// </summary>
internal sealed class DroppedLogEvents : IAsyncLogEventSinkMonitor
{
    private readonly Lock _gate = new();
    private IAsyncLogEventSinkInspector? _inspector;
    private long _counted;

    /// <summary>The buffer of the writer reporting to this monitor; null when none does (sinks configured explicitly).</summary>
    public int? BufferSize => Volatile.Read(ref _inspector)?.BufferSize;

    public void StartMonitoring(IAsyncLogEventSinkInspector inspector) => Volatile.Write(ref _inspector, inspector);

    public void StopMonitoring(IAsyncLogEventSinkInspector inspector)
    {
        Count();
        Volatile.Write(ref _inspector, null);
    }

    /// <summary>Adds the events dropped since the last count to the counter.</summary>
    public void Count()
    {
        if (Volatile.Read(ref _inspector) is not { } inspector)
        {
            return;
        }

        lock (_gate)
        {
            var dropped = inspector.DroppedMessagesCount;
            if (dropped > _counted)
            {
                GatewayMetrics.LogEventsDropped.Inc(dropped - _counted);
                _counted = dropped;
            }
        }
    }
}
