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

    // Properties whose values come from the registry or fixed sets are built once per value, not on every call.
    private static readonly Field ServiceField = new("Service");
    private static readonly Field AgencyField = new("Agency");
    private static readonly Field ClientField = new("Client");
    private static readonly Field MethodField = new("Method");
    private static readonly Field OutcomeField = new("Outcome");
    private static readonly Field ProblemField = new("Problem");
    private static readonly LogEventProperty[] StatusProperties = [.. Enumerable.Range(0, 600).Select(status => new LogEventProperty("Status", new ScalarValue(status)))];

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

    public void Write(GatewayCall call, CallResult result)
    {
        if (_level is not { } level || !_log.IsEnabled(level) || (result.Outcome == Outcome.Ok && _successSampleRate < 1 && Random.Shared.NextDouble() >= _successSampleRate))
        {
            return;
        }

        var traceId = call.TraceId ?? Activity.Current?.TraceId;
        _log.Write(new LogEvent(_clock.GetUtcNow(), level, exception: null, Message,
        [
            EventIdProperty,
            new("TransactionId", new ScalarValue(call.TransactionId)),
            new("TraceId", traceId is { } trace ? new ScalarValue(trace.ToHexString()) : None),
            ServiceField.Of(call.ServiceId),
            AgencyField.Of(call.Agency),
            ClientField.Of(call.ClientId),
            MethodField.Of(result.Method),
            result.Status is >= 0 and < 600 ? StatusProperties[result.Status] : new LogEventProperty("Status", new ScalarValue(result.Status)),
            OutcomeField.Of(result.Outcome.Name()),
            ProblemField.Of(call.Problem is { } kind ? ProblemCatalog.Describe(kind).Slug : null),
            new("ElapsedMs", new ScalarValue(Milliseconds(result.Elapsed))),
            new("UpstreamMs", new ScalarValue(Milliseconds(call.UpstreamLatency ?? TimeSpan.Zero))),
            new("RequestBytes", new ScalarValue(call.RequestBytes)),
            new("ResponseBytes", new ScalarValue(call.ResponseBytes)),
        ]));
    }

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

    /// <summary>One property's values, each built once; bounded, since its values are registry ids or fixed names.</summary>
    private sealed class Field(string name)
    {
        private const int MaxValues = 10_000;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LogEventProperty> _values = new(StringComparer.Ordinal);
        private readonly LogEventProperty _none = new(name, None);

        public LogEventProperty Of(string? value)
        {
            if (value is null)
            {
                return _none;
            }

            if (_values.TryGetValue(value, out var property))
            {
                return property;
            }

            property = new LogEventProperty(name, new ScalarValue(value));
            // Past the bound (a registry that grew or changed a lot in one process's life) new values are not kept.
            return _values.Count < MaxValues ? _values.GetOrAdd(value, property) : property;
        }
    }
}
