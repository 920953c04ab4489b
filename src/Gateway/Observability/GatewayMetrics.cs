using Prometheus;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// The gateway's own Prometheus series. Label values come only from the registry (agency, service, client codes)
/// or from fixed sets (method, status class, outcome, reason), never from request input, so no caller can make the
/// series count grow: unknown agencies are <c>unknown</c>, unmatched routes <c>none</c>, odd methods <c>OTHER</c> (<see cref="RecordedMethod"/>).
/// </summary>
internal static class GatewayMetrics
{
    public const string NoService = "none";
    public const string NoAgency = "none";
    public const string UnknownAgency = "unknown";

    private static readonly Exemplar.LabelKey TraceIdKey = Exemplar.Key("trace_id");

    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>
    /// For the series observed on every call: an exemplar (the trace id linking a sample to its trace) at most every
    /// 10 s per series, which is more than a 15 s scrape can carry, instead of one built per call. The trace is the call's
    /// being counted on this thread (<see cref="CallMetrics"/> names it while it counts; calls have no Activity).
    /// </summary>
    internal static readonly ExemplarBehavior PerCallExemplars = new()
    {
        // prometheus-net asks on every observation and keeps one per interval: the label key is validated once, here.
        DefaultExemplarProvider = (_, _) => CountedTrace is { } trace ? Exemplar.From(TraceIdKey.WithValue(trace.ToHexString())) : Exemplar.None,
        NewExemplarMinInterval = TimeSpan.FromSeconds(10),
    };

    [ThreadStatic]
    private static System.Diagnostics.ActivityTraceId? CountedTrace;

    public static readonly Counter Requests = Metrics.CreateCounter(
        "ndxp_gateway_requests_total", "Data-plane calls by service, consumer agency, method, status class and outcome.",
        new CounterConfiguration { LabelNames = ["service", "agency", "method", "status_class", "outcome"], ExemplarBehavior = PerCallExemplars });

    public static readonly Histogram RequestDuration = Metrics.CreateHistogram(
        "ndxp_gateway_request_duration_seconds", "Whole call as the gateway saw it, by service.",
        new HistogramConfiguration { LabelNames = ["service"], Buckets = LatencyBuckets, ExemplarBehavior = PerCallExemplars });

    public static readonly Histogram UpstreamDuration = Metrics.CreateHistogram(
        "ndxp_gateway_upstream_duration_seconds", "Provider leg: request sent until response headers (or failure), by service.",
        new HistogramConfiguration { LabelNames = ["service"], Buckets = LatencyBuckets, ExemplarBehavior = PerCallExemplars });

    public static readonly Gauge InFlight = Metrics.CreateGauge(
        "ndxp_gateway_requests_in_flight", "Data-plane calls being handled now.");

    public static readonly Counter AuthenticationFailures = Metrics.CreateCounter(
        "ndxp_gateway_authentication_failures_total", "Refused credentials, by reason (problem type or OAuth error).", "reason");

    public static readonly Counter TokensIssued = Metrics.CreateCounter(
        "ndxp_gateway_tokens_issued_total", "Access tokens issued by the token endpoint, by client.", "client");

    public static readonly Gauge HealthyDestinations = Metrics.CreateGauge(
        "ndxp_gateway_provider_destinations_healthy", "Provider instances YARP considers available, by service.", "service");

    public static readonly Gauge Destinations = Metrics.CreateGauge(
        "ndxp_gateway_provider_destinations", "Provider instances registered, by service.", "service");

    public static readonly Counter LogEventsDropped = Metrics.CreateCounter(
        "ndxp_gateway_log_events_dropped_total", "Log events the background console writer dropped because its buffer was full.");

    public static readonly Gauge RegistryRevision = Metrics.CreateGauge(
        "ndxp_gateway_registry_revision", "Revision of the registry snapshot in use.");

    public static readonly Counter RegistryReloads = Metrics.CreateCounter(
        "ndxp_gateway_registry_reloads_total", "Registry snapshots published (the first load included).");

    public static readonly Histogram RegistryReloadDuration = Metrics.CreateHistogram(
        "ndxp_gateway_registry_reload_duration_seconds", "Time to read, validate and publish a changed registry (routes and clusters included).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 12) });

    /// <summary>
    /// Which .NET meters prometheus-net exports besides these: all but HttpClient's request histogram, which counts every
    /// call to a provider by the status code the provider chose (any of 900) and its address, 28 lines per combination.
    /// The provider leg is in <see cref="UpstreamDuration"/>, by service. (ASP.NET Core's request histogram is turned off
    /// on the proxied routes for the same reason: <see cref="Requests"/> counts those calls.) Takes effect at the first scrape.
    /// </summary>
    public static void ConfigureExport() =>
        Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate = instrument =>
            !(instrument.Meter.Name == "System.Net.Http" && instrument.Name == "http.client.request.duration"));

    /// <summary>Names a call's trace for the exemplars of the series this thread updates until the scope ends (synchronously).</summary>
    public static CountingScope Counting(System.Diagnostics.ActivityTraceId trace)
    {
        CountedTrace = trace;
        return default;
    }

    /// <summary>The agency as a label value: registered codes only.</summary>
    public static string Agency(Registry.RegistrySnapshot snapshot, string? agency) =>
        agency is null ? NoAgency : snapshot.Agencies.ContainsKey(agency) ? agency : UnknownAgency;

    /// <summary>The service as a label value: registered ids only.</summary>
    public static string Service(Registry.RegistrySnapshot snapshot, string? service) =>
        service is not null && snapshot.Services.ContainsKey(service) ? service : NoService;

    public static string StatusClass(int status) => status switch
    {
        < 200 => "1xx",
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };

    public readonly struct CountingScope : IDisposable
    {
        public void Dispose() => CountedTrace = null;
    }
}
