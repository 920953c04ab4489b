using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using HdrHistogram;

namespace Ndxp.Gateway.Load;

/// <summary>
/// The report of a run, as written to <c>report.json</c> and <c>report.md</c>: totals, latency percentiles overall,
/// per scenario and per service, status counts, answered calls per agency and service (to compare with the gateway's
/// metering), and the thresholds with whether each held.
/// </summary>
internal sealed record LoadReport
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string Target { get; init; }

    public required string Mode { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double ElapsedSeconds { get; init; }

    public required ReportLoad Load { get; init; }

    /// <summary>CPU this process used during the run (user and kernel), per answered call: what the tool itself costs.</summary>
    public required double ProcessCpuSeconds { get; init; }

    public required double ProcessCpuMicrosecondsPerCall { get; init; }

    public required ReportTotals Totals { get; init; }

    /// <summary>From each call's intended start to its full answer: coordinated omission corrected.</summary>
    public required LatencySummary LatencyMs { get; init; }

    /// <summary>From the moment each call was sent to its full answer (what a closed-loop tool would report).</summary>
    public required LatencySummary ServiceTimeMs { get; init; }

    /// <summary>How late calls were sent after their intended start: the tool's own lateness, included in <see cref="LatencyMs"/>.</summary>
    public required LatencySummary SchedulerLagMs { get; init; }

    public required IReadOnlyList<ReportScenario> Scenarios { get; init; }

    public required IReadOnlyList<ReportService> Services { get; init; }

    /// <summary>Answered calls per agency and service, by status: what the gateway's metering should count.</summary>
    public required IReadOnlyList<ReportUsage> Usage { get; init; }

    public required IReadOnlyList<ReportTokens> Tokens { get; init; }

    public required IReadOnlyList<ReportThreshold> Thresholds { get; init; }

    public bool Passed => Thresholds.All(t => t.Passed);

    public static LoadReport Build(LoadOptions options, RunResult run)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(run);
        var scenarios = run.Bindings.GroupBy(b => b.Scenario.Name).Select(g => Scenario(g.ToList())).ToList();
        var totals = new ReportTotals
        {
            Scheduled = run.Scheduled,
            Sent = run.Sent,
            Answered = scenarios.Sum(s => s.Answered),
            NotStarted = scenarios.Sum(s => s.NotStarted),
            Unexpected = scenarios.Sum(s => s.Unexpected),
            Timeouts = scenarios.Sum(s => s.Timeouts) + run.StillInFlightAtStop,
            TransportErrors = scenarios.Sum(s => s.TransportErrors),
            CallsPerSecond = Math.Round(scenarios.Sum(s => s.Answered) / Math.Max(run.Elapsed.TotalSeconds, 1e-9), 1),
        };
        var latency = LatencyRecorder.Summarize(run.Latency);
        return new LoadReport
        {
            Target = options.Target.ToString(),
            Mode = run.Mode,
            StartedAt = run.StartedAt,
            ElapsedSeconds = Math.Round(run.Elapsed.TotalSeconds, 3),
            Load = new ReportLoad
            {
                Stages = options.Profile?.Stages.Select(s => new ReportStage(s.From, s.To, s.Duration.TotalSeconds)).ToList(),
                Connections = options.Connections,
                DurationSeconds = options.Duration.TotalSeconds,
                MaxCalls = options.MaxCalls == long.MaxValue ? null : options.MaxCalls,
                WarmupSeconds = options.Warmup.TotalSeconds,
                MaxInFlight = options.MaxInFlight,
                TimeoutMs = options.Timeout.TotalMilliseconds,
                Mix = options.Mix,
            },
            Totals = totals,
            ProcessCpuSeconds = Math.Round(run.ProcessCpu.TotalSeconds, 3),
            ProcessCpuMicrosecondsPerCall = totals.Answered == 0 ? 0 : Math.Round(run.ProcessCpu.TotalMicroseconds / totals.Answered, 1),
            LatencyMs = latency,
            ServiceTimeMs = LatencyRecorder.Summarize(run.ServiceTime),
            SchedulerLagMs = LatencyRecorder.Summarize(run.SchedulerLag),
            Scenarios = scenarios,
            Services = [.. run.Bindings.GroupBy(b => b.Scenario.Service).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ReportService(
                g.Key, g.Sum(b => b.Stats.Answered), Statuses(g), LatencyRecorder.Summarize(Merge(g))))],
            Usage = [.. run.Bindings.GroupBy(b => (b.Client.Agency, b.Scenario.Service))
                .OrderBy(g => g.Key.Agency, StringComparer.Ordinal).ThenBy(g => g.Key.Service, StringComparer.Ordinal)
                .Select(g => new ReportUsage(g.Key.Agency, g.Key.Service, g.Sum(b => b.Stats.Answered), Statuses(g)))],
            Tokens = [.. run.TokenFetches.Select(t => new ReportTokens(t.Client, t.Fetches))],
            Thresholds = Evaluate(options, totals, latency),
        };
    }

    public async Task WriteAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.json"), JsonSerializer.Serialize(this, Json));
        await File.WriteAllTextAsync(Path.Combine(directory, "report.md"), ToMarkdown());
    }

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        void Line(FormattableString text) => md.AppendLine(text.ToString(CultureInfo.InvariantCulture));
        static string Ms(double value) => Durations.Milliseconds(value);
        static string Cells(LatencySummary l) => $"{Ms(l.P50)} | {Ms(l.P90)} | {Ms(l.P99)} | {Ms(l.P999)} | {Ms(l.Max)}";
        static string Codes(IReadOnlyDictionary<int, long> statuses) => string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"));

        Line($"# Load run: {Target}");
        md.AppendLine();
        Line($"{Mode} model, started {StartedAt:yyyy-MM-ddTHH:mm:ssZ}, {ElapsedSeconds:0.0} s; {(Load.Stages is { } stages ? "stages " + string.Join(", ", stages.Select(s => $"{s.From}:{s.To}:{s.Seconds}s")) : $"{Load.Connections} connections")}; mix {string.Join(", ", Load.Mix.Select(m => $"{m.Scenario}={m.Weight}"))}");
        md.AppendLine();
        Line($"| scheduled | sent | answered | calls/s | not started | unexpected | timeouts | transport errors | error ratio |");
        Line($"|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Line($"| {Totals.Scheduled} | {Totals.Sent} | {Totals.Answered} | {Totals.CallsPerSecond:0.0} | {Totals.NotStarted} | {Totals.Unexpected} | {Totals.Timeouts} | {Totals.TransportErrors} | {Totals.ErrorRatio:0.000000} |");
        md.AppendLine();
        Line($"This process used {ProcessCpuSeconds:0.00} s of CPU during the run, {ProcessCpuMicrosecondsPerCall:0.0} us per answered call.");
        md.AppendLine();
        Line($"Latency in ms; from the intended start (coordinated omission corrected) unless noted{(Load.WarmupSeconds > 0 ? $"; calls of the first {Load.WarmupSeconds} s (warm-up) are counted but not in the latencies" : "")}.");
        md.AppendLine();
        Line($"| | count | p50 | p90 | p99 | p99.9 | max |");
        Line($"|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, l) in new[] { ("all calls", LatencyMs), ("service time (from send)", ServiceTimeMs), ("scheduler lag", SchedulerLagMs) })
        {
            Line($"| {name} | {l.Count} | {Cells(l)} |");
        }

        md.AppendLine();
        Line($"## Scenarios");
        md.AppendLine();
        Line($"| scenario | service | clients | expected | answered | statuses | errors | p50 | p90 | p99 | p99.9 | max |");
        Line($"|---|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var s in Scenarios)
        {
            Line($"| {s.Name} | {s.Service} | {string.Join(" ", s.Clients)} | {string.Join(" ", s.Expected)} | {s.Answered} | {Codes(s.Statuses)} | {s.Errors} | {Cells(s.LatencyMs)} |");
        }

        foreach (var s in Scenarios.Where(s => s.UnexpectedKinds.Count > 0))
        {
            Line($"- {s.Name}, unexpected: {string.Join(", ", s.UnexpectedKinds.Select(k => $"{k.Key} x{k.Value}"))}");
        }

        md.AppendLine();
        Line($"## Services");
        md.AppendLine();
        Line($"| service | answered | statuses | p50 | p90 | p99 | p99.9 | max |");
        Line($"|---|---:|---|---:|---:|---:|---:|---:|");
        foreach (var s in Services)
        {
            Line($"| {s.Service} | {s.Answered} | {Codes(s.Statuses)} | {Cells(s.LatencyMs)} |");
        }

        md.AppendLine();
        Line($"## Answered calls per agency and service");
        md.AppendLine();
        Line($"| agency | service | answered | statuses |");
        Line($"|---|---|---:|---|");
        foreach (var u in Usage)
        {
            Line($"| {u.Agency} | {u.Service} | {u.Answered} | {Codes(u.Statuses)} |");
        }

        md.AppendLine();
        Line($"## Thresholds");
        md.AppendLine();
        if (Thresholds.Count == 0)
        {
            Line($"None given.");
        }

        foreach (var t in Thresholds)
        {
            Line($"- {t.Name}: limit {t.Limit}, actual {t.Actual}: {(t.Passed ? "passed" : "FAILED")}");
        }

        return md.ToString();
    }

    private static ReportScenario Scenario(List<ScenarioBinding> bindings)
    {
        var scenario = bindings[0].Scenario;
        var statuses = Statuses(bindings);
        var unexpected = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (kind, count) in bindings.SelectMany(b => b.Stats.Unexpected))
        {
            unexpected[kind] = unexpected.GetValueOrDefault(kind) + count;
        }

        return new ReportScenario
        {
            Name = scenario.Name,
            Service = scenario.Service,
            Purpose = scenario.Purpose,
            Clients = [.. bindings.Select(b => b.Client.Id)],
            Expected = scenario.Expected,
            Answered = statuses.Values.Sum(),
            Statuses = statuses,
            Unexpected = statuses.Where(s => !scenario.Expects(s.Key)).Sum(s => s.Value),
            UnexpectedKinds = unexpected,
            Timeouts = bindings.Sum(b => b.Stats.Timeouts),
            TransportErrors = bindings.Sum(b => b.Stats.TransportErrors),
            NotStarted = bindings.Sum(b => b.Stats.NotStarted),
            LatencyMs = LatencyRecorder.Summarize(Merge(bindings)),
        };
    }

    private static SortedDictionary<int, long> Statuses(IEnumerable<ScenarioBinding> bindings)
    {
        var statuses = new SortedDictionary<int, long>();
        foreach (var (status, count) in bindings.SelectMany(b => b.Stats.Statuses))
        {
            statuses[status] = statuses.GetValueOrDefault(status) + count;
        }

        return statuses;
    }

    private static LongHistogram Merge(IEnumerable<ScenarioBinding> bindings)
    {
        var merged = new LongHistogram(LatencyRecorder.HighestMicroseconds, 3);
        foreach (var binding in bindings)
        {
            merged.Add(binding.Stats.Latency.Total);
        }

        return merged;
    }

    private static List<ReportThreshold> Evaluate(LoadOptions options, ReportTotals totals, LatencySummary latency)
    {
        var thresholds = new List<ReportThreshold>();
        if (options.MaxP99 is { } maxP99)
        {
            var limit = maxP99.TotalMilliseconds;
            thresholds.Add(new ReportThreshold(
                "max-p99", $"{Durations.Milliseconds(limit)} ms", latency.Count == 0 ? "no call answered" : $"{Durations.Milliseconds(latency.P99)} ms",
                latency.Count > 0 && latency.P99 <= limit));
        }

        if (options.MaxErrorRatio is { } maxRatio)
        {
            thresholds.Add(new ReportThreshold(
                "max-error-ratio", maxRatio.ToString(CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{totals.ErrorRatio:0.######} ({totals.Errors} of {totals.Scheduled})"),
                totals.Scheduled > 0 && totals.ErrorRatio <= maxRatio));
        }

        return thresholds;
    }
}

internal sealed record ReportLoad
{
    public IReadOnlyList<ReportStage>? Stages { get; init; }

    public int? Connections { get; init; }

    public required double DurationSeconds { get; init; }

    public long? MaxCalls { get; init; }

    public required double WarmupSeconds { get; init; }

    public required int MaxInFlight { get; init; }

    public required double TimeoutMs { get; init; }

    public required IReadOnlyList<MixEntry> Mix { get; init; }
}

internal sealed record ReportStage(double From, double To, double Seconds);

/// <summary>
/// Errors are unexpected statuses, timeouts, transport errors and calls the in-flight cap kept from starting; the
/// error ratio is errors over scheduled calls.
/// </summary>
internal sealed record ReportTotals
{
    public required long Scheduled { get; init; }

    public required long Sent { get; init; }

    public required long Answered { get; init; }

    public required long NotStarted { get; init; }

    public required long Unexpected { get; init; }

    public required long Timeouts { get; init; }

    public required long TransportErrors { get; init; }

    public long Errors => Unexpected + Timeouts + TransportErrors + NotStarted;

    public double ErrorRatio => Scheduled == 0 ? 0 : (double)Errors / Scheduled;

    /// <summary>Answered calls per second of the run: in the closed model, the maximum the target sustained.</summary>
    public required double CallsPerSecond { get; init; }
}

internal sealed record ReportScenario
{
    public required string Name { get; init; }

    public required string Service { get; init; }

    public string? Purpose { get; init; }

    public required IReadOnlyList<string> Clients { get; init; }

    public required IReadOnlyList<int> Expected { get; init; }

    public required long Answered { get; init; }

    public required IReadOnlyDictionary<int, long> Statuses { get; init; }

    public required long Unexpected { get; init; }

    public required IReadOnlyDictionary<string, long> UnexpectedKinds { get; init; }

    public required long Timeouts { get; init; }

    public required long TransportErrors { get; init; }

    public required long NotStarted { get; init; }

    public long Errors => Unexpected + Timeouts + TransportErrors + NotStarted;

    public required LatencySummary LatencyMs { get; init; }
}

internal sealed record ReportService(string Service, long Answered, IReadOnlyDictionary<int, long> Statuses, LatencySummary LatencyMs);

internal sealed record ReportUsage(string Agency, string Service, long Answered, IReadOnlyDictionary<int, long> Statuses);

internal sealed record ReportTokens(string Client, int Fetches);

internal sealed record ReportThreshold(string Name, string Limit, string Actual, bool Passed);
