using Ndxp.Gateway.Problems;
using Prometheus;

namespace Ndxp.Gateway.Metering;

/// <summary>Prometheus series of the metering pipeline. Label values come from the registry and fixed sets only.</summary>
internal static class MeteringMetrics
{
    public static readonly Counter MeteredCalls = Metrics.CreateCounter(
        "ndxp_gateway_metered_calls_total", "Calls recorded by metering, by consumer agency, service and outcome.",
        new CounterConfiguration { LabelNames = ["agency", "service", "outcome"], ExemplarBehavior = Observability.GatewayMetrics.PerCallExemplars });

    public static readonly Gauge Backlog = Metrics.CreateGauge(
        "ndxp_gateway_metering_backlog_records", "Usage records not yet in the store (in memory and in the spool file).");

    public static readonly Gauge SpoolBytes = Metrics.CreateGauge(
        "ndxp_gateway_metering_spool_bytes", "Size of the metering spool file, written while the store is unreachable.");

    public static readonly Histogram FlushDuration = Metrics.CreateHistogram(
        "ndxp_gateway_metering_flush_duration_seconds", "Time to write one batch of usage records to the store.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });

    public static readonly Counter FlushFailures = Metrics.CreateCounter(
        "ndxp_gateway_metering_flush_failures_total", "Batches the store refused or did not take in time (they are retried).");

    public static readonly Counter SpooledRecords = Metrics.CreateCounter(
        "ndxp_gateway_metering_spooled_records_total", "Records moved to the spool file because the store was unreachable.");

    public static readonly Counter TornSpoolLines = Metrics.CreateCounter(
        "ndxp_gateway_metering_spool_torn_lines_total", "Unreadable spool lines skipped at replay (torn by a crash mid-append).");

    public static void Count(UsageRecord record, Registry.RegistrySnapshot snapshot, System.Diagnostics.ActivityTraceId trace)
    {
        using (Observability.GatewayMetrics.Counting(trace))
        {
            MeteredCalls.WithLabels((ReadOnlySpan<string>)[
                Observability.GatewayMetrics.Agency(snapshot, record.Agency),
                Observability.GatewayMetrics.Service(snapshot, record.Service),
                record.Outcome.Name()]).Inc();
        }
    }
}
