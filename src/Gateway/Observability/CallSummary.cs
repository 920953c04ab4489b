using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Problems;
using Serilog.Events;
using Serilog.Parsing;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// The access log: one line per data call with its transaction id, trace id, service, agency, client, method, status,
/// outcome, problem, latencies, bytes and connection. Never the path, query string or body: they carry citizens'
/// identifiers. The message is a fixed "Call completed" and the facts are properties only, so a JSON line carries each
/// once. Successful calls can be sampled (<see cref="ObservabilityOptions.SuccessSampleRate"/>); refusals and failures
/// never are.
/// </summary>
/// <remarks>
/// With the default console writer in production the line is written straight into its queue as UTF-8 JSON, in the
/// shape Serilog's <c>RenderedCompactJsonFormatter</c> gives every other line: no Serilog event, no enrichers, no
/// formatter per call (a third of the gateway's overhead over bare YARP went to that, perf/README.md). The facts are
/// nothing the enrichers would change (registry ids, fixed names, numbers; strings capped as they cap them). With
/// sinks configured (<c>Serilog:WriteTo</c>) or the development console format, it is a Serilog event like any other.
/// Either way it is written under its own source context, whose level Serilog's overrides decide.
/// </remarks>
internal sealed class CallSummary
{
    public const int EventId = 5001;
    public const string SourceContext = "Ndxp.Gateway.Observability.CallSummary";
    private const string Message = "Call completed";

    private static readonly MessageTemplate MessageTemplate = new MessageTemplateParser().Parse(Message);
    private static readonly LogEventProperty EventIdProperty = new("EventId", new StructureValue([new LogEventProperty("Id", new ScalarValue(EventId))]));
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static JsonLine? t_line;

    private readonly Serilog.ILogger _log;
    private readonly BatchedLogWriter? _console;
    private readonly LogEventLevel? _level;
    private readonly double _successSampleRate;
    private readonly TimeProvider _clock;

    /// <summary>Writes through <paramref name="log"/>, or into <paramref name="console"/>'s queue when given (it must write compact JSON and be the only sink).</summary>
    public CallSummary(Serilog.ILogger log, IOptions<ObservabilityOptions> options, TimeProvider clock, BatchedLogWriter? console = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(options);
        // Under its own source context, so that Serilog:MinimumLevel:Override can turn it down like any other logger.
        _log = log.ForContext(Serilog.Core.Constants.SourceContextPropertyName, SourceContext);
        _console = console;
        _level = Level(options.Value.CallSummaryLevel);
        _successSampleRate = options.Value.SuccessSampleRate;
        _clock = clock;
    }

    public void Write(GatewayCall call, CallResult result, string connectionId)
    {
        if (_level is not { } level || !_log.IsEnabled(level) || (result.Outcome == Outcome.Ok && _successSampleRate < 1 && Random.Shared.NextDouble() >= _successSampleRate))
        {
            return;
        }

        if (_console is not null)
        {
            var line = t_line ??= new JsonLine();
            line.Begin(_clock.GetUtcNow(), level);
            Facts(ref line.Fields, call, result, connectionId);
            _console.Append(line.End());
            return;
        }

        var properties = new SerilogFields([EventIdProperty]);
        Facts(ref properties, call, result, connectionId);
        _log.Write(new LogEvent(_clock.GetUtcNow(), level, exception: null, MessageTemplate, properties.Properties));
    }

    // The facts of a line, once for both ways of writing it.
    private static void Facts<TFields>(ref TFields fields, GatewayCall call, CallResult result, string connectionId)
        where TFields : struct, IFields
    {
        fields.Text(Name.TransactionId, call.TransactionId);
        fields.Text(Name.TraceId, call.TraceId.ToHexString());
        fields.Text(Name.Service, call.ServiceId);
        fields.Text(Name.Agency, call.Agency);
        fields.Text(Name.Client, call.ClientId);
        fields.Text(Name.Method, result.Method);
        fields.Number(Name.Status, result.Status);
        fields.Text(Name.Outcome, result.Outcome.Name());
        fields.Text(Name.Problem, call.Problem is { } kind ? ProblemCatalog.Describe(kind).Slug : null);
        fields.Number(Name.ElapsedMs, Milliseconds(result.Elapsed));
        fields.Number(Name.UpstreamMs, Milliseconds(call.UpstreamLatency ?? TimeSpan.Zero));
        fields.Number(Name.RequestBytes, call.RequestBytes);
        fields.Number(Name.ResponseBytes, call.ResponseBytes);
        fields.Text(Name.ConnectionId, connectionId);
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

    /// <summary>A fact's property name, and the same encoded once for JSON.</summary>
    private sealed class Name
    {
        public static readonly Name TransactionId = new("TransactionId");
        public static readonly Name TraceId = new("TraceId");
        public static readonly Name Service = new("Service");
        public static readonly Name Agency = new("Agency");
        public static readonly Name Client = new("Client");
        public static readonly Name Method = new("Method");
        public static readonly Name Status = new("Status");
        public static readonly Name Outcome = new("Outcome");
        public static readonly Name Problem = new("Problem");
        public static readonly Name ElapsedMs = new("ElapsedMs");
        public static readonly Name UpstreamMs = new("UpstreamMs");
        public static readonly Name RequestBytes = new("RequestBytes");
        public static readonly Name ResponseBytes = new("ResponseBytes");
        public static readonly Name ConnectionId = new("ConnectionId");

        private Name(string text)
        {
            Text = text;
            Json = JsonEncodedText.Encode(text);
        }

        public string Text { get; }

        public JsonEncodedText Json { get; }
    }

    private interface IFields
    {
        /// <summary>A string fact; "-" when absent, capped like every logged string (<see cref="LogStringCap"/>).</summary>
        void Text(Name name, string? value);

        void Number(Name name, long value);

        void Number(Name name, double value);
    }

    private struct SerilogFields(List<LogEventProperty> properties) : IFields
    {
        public readonly List<LogEventProperty> Properties => properties;

        public readonly void Text(Name name, string? value) => properties.Add(new(name.Text, new ScalarValue(value ?? "-")));

        public readonly void Number(Name name, long value) => properties.Add(new(name.Text, new ScalarValue(value)));

        public readonly void Number(Name name, double value) => properties.Add(new(name.Text, new ScalarValue(value)));
    }

    private struct JsonFields(Utf8JsonWriter json) : IFields
    {
        public readonly void Text(Name name, string? value) => json.WriteString(name.Json, LogStringCap.Cut(value ?? "-"));

        public readonly void Number(Name name, long value) => json.WriteNumber(name.Json, value);

        public readonly void Number(Name name, double value) => json.WriteNumber(name.Json, value);
    }

    /// <summary>One thread's reused buffer and JSON writer; the console writer copies each line out of it.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Kept for the thread's life; the writer holds only the managed buffer beside it.")]
    private sealed class JsonLine
    {
        private static readonly string EventIdHash = Serilog.Formatting.Compact.EventIdHash.Compute(Message).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _json;

        public JsonLine()
        {
            _json = new Utf8JsonWriter(_buffer, JsonOptions);
            Fields = new JsonFields(_json);
        }

        public JsonFields Fields;

        public void Begin(DateTimeOffset timestamp, LogEventLevel level)
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            _json.WriteStartObject();
            // "O" as Serilog writes it: seven digits of fraction, always.
            Span<byte> time = stackalloc byte[40];
            timestamp.UtcDateTime.TryFormat(time, out var written, "O", System.Globalization.CultureInfo.InvariantCulture);
            _json.WriteString("@t"u8, time[..written]);
            _json.WriteString("@m"u8, Message);
            _json.WriteString("@i"u8, EventIdHash);
            if (level != LogEventLevel.Information)
            {
                _json.WriteString("@l"u8, level.ToString());
            }

            _json.WriteStartObject("EventId"u8);
            _json.WriteNumber("Id"u8, EventId);
            _json.WriteEndObject();
        }

        /// <summary>The whole line, newline included; valid until this thread's next line.</summary>
        public ReadOnlySpan<byte> End()
        {
            _json.WriteString("SourceContext"u8, SourceContext);
            _json.WriteEndObject();
            _json.Flush();
            _buffer.GetSpan(1)[0] = (byte)'\n';
            _buffer.Advance(1);
            return _buffer.WrittenSpan;
        }
    }
}
