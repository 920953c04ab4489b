using System.Diagnostics;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Problems;
using Serilog.Events;
using Serilog.Parsing;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// The access log: one structured event per data call with its transaction id, trace id, service, agency, client,
/// method, status, outcome, problem, latencies and bytes. Never the path, query string or body: they carry citizens'
/// identifiers. The message is a fixed "Call completed" and the facts are properties only, so a JSON line carries each
/// once (no rendered message repeating them), and the event is built directly, not bound from a message template on
/// every call. Successful calls can be sampled (<see cref="ObservabilityOptions.SuccessSampleRate"/>); refusals and
/// failures never are.
/// </summary>
internal sealed class CallSummary
{
    public const int EventId = 5001;
    public const string SourceContext = "Ndxp.Gateway.Observability.CallSummary";

    private static readonly MessageTemplate Message = new MessageTemplateParser().Parse("Call completed");
    private static readonly LogEventProperty EventIdProperty = new("EventId", new StructureValue([new LogEventProperty("Id", new ScalarValue(EventId))]));
    private static readonly ScalarValue None = new("-");

    private readonly Serilog.ILogger _log;
    private readonly LogEventLevel? _level;
    private readonly double _successSampleRate;
    private readonly TimeProvider _clock;

    public CallSummary(Serilog.ILogger log, IOptions<ObservabilityOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(options);
        // Under its own source context, so that Serilog:MinimumLevel:Override can turn it down like any other logger.
        _log = log.ForContext(Serilog.Core.Constants.SourceContextPropertyName, SourceContext);
        _level = Level(options.Value.CallSummaryLevel);
        _successSampleRate = options.Value.SuccessSampleRate;
        _clock = clock;
    }

    public void Write(GatewayCall call, int status, Outcome outcome, string method)
    {
        if (_level is not { } level || !_log.IsEnabled(level) || (outcome == Outcome.Ok && _successSampleRate < 1 && Random.Shared.NextDouble() >= _successSampleRate))
        {
            return;
        }

        var traceId = call.TraceId ?? Activity.Current?.TraceId;
        _log.Write(new LogEvent(_clock.GetUtcNow(), level, exception: null, Message,
        [
            EventIdProperty,
            new("TransactionId", new ScalarValue(call.TransactionId)),
            new("TraceId", traceId is { } trace ? new ScalarValue(trace.ToHexString()) : None),
            new("Service", Text(call.ServiceId)),
            new("Agency", Text(call.Agency)),
            new("Client", Text(call.ClientId)),
            new("Method", new ScalarValue(method)),
            new("Status", new ScalarValue(status)),
            new("Outcome", new ScalarValue(outcome.Name())),
            new("Problem", call.Problem is { } kind ? new ScalarValue(ProblemCatalog.Describe(kind).Slug) : None),
            new("ElapsedMs", new ScalarValue(Milliseconds(Stopwatch.GetElapsedTime(call.StartTimestamp)))),
            new("UpstreamMs", new ScalarValue(Milliseconds(call.UpstreamLatency ?? TimeSpan.Zero))),
            new("RequestBytes", new ScalarValue(call.RequestBytes)),
            new("ResponseBytes", new ScalarValue(call.ResponseBytes)),
        ]));
    }

    private static ScalarValue Text(string? value) => value is null ? None : new ScalarValue(value);

    // To the microsecond: more digits are noise in a log line.
    private static double Milliseconds(TimeSpan time) => Math.Round(time.TotalMilliseconds, 3);

    private static LogEventLevel? Level(LogLevel level) => level switch
    {
        LogLevel.None => null,
        LogLevel.Trace => LogEventLevel.Verbose,
        LogLevel.Debug => LogEventLevel.Debug,
        LogLevel.Information => LogEventLevel.Information,
        LogLevel.Warning => LogEventLevel.Warning,
        LogLevel.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };
}
