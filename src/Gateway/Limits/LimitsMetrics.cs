using Prometheus;

namespace Ndxp.Gateway.Limits;

/// <summary>Prometheus series of the limits. Labels come from the registry and fixed sets only.</summary>
internal static class LimitsMetrics
{
    public static readonly Counter LimitedCalls = Metrics.CreateCounter(
        "ndxp_gateway_limited_calls_total", "Calls refused by a limit, by consumer agency, service and reason.",
        "agency", "service", "reason");

    public static readonly Histogram RedisRoundTrip = Metrics.CreateHistogram(
        "ndxp_gateway_redis_round_trip_seconds", "Round trip of the shared-limit script to Redis.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 14) });

    public static readonly Gauge Replicas = Metrics.CreateGauge(
        "ndxp_gateway_limits_replicas", "Replicas this one counts as sharing the limits (Redis heartbeats; Limits:ReplicaCount without Redis): its share of a concurrency cap, and of every limit while Redis is down, is 1 of them.");

    public static readonly Gauge RedisFallback = Metrics.CreateGauge(
        "ndxp_gateway_limits_fallback", "1 while Redis is unreachable and this replica enforces its local share of the limits.");

    public static readonly Counter RefusalBudgetsSpent = Metrics.CreateCounter(
        "ndxp_gateway_refusal_budgets_spent_total", "Times a client's refusal budget ran out on a refusal of access: its further refusals are aggregated and its calls refused at once for a while.");

    public static readonly Counter RedisFallbacks = Metrics.CreateCounter(
        "ndxp_gateway_limits_fallbacks_total", "Times this replica fell back to local limits because Redis failed.");

    public static string Label(LimitReason reason) => reason switch
    {
        LimitReason.GrantRate => "grant_rate",
        LimitReason.ServiceRate => "service_rate",
        LimitReason.ServiceConcurrency => "service_concurrency",
        LimitReason.Quota => "quota",
        _ => "none",
    };
}
