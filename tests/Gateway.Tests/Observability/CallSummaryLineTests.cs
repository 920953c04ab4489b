using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ndxp.Gateway.Observability;
using Ndxp.Gateway.Problems;
using Serilog;
using Serilog.Formatting.Compact;

namespace Ndxp.Gateway.Tests.Observability;

/// <summary>
/// The access log line written straight into the console writer's queue says what Serilog's compact JSON says for the
/// same call, so that whatever reads the gateway's log (its other lines are Serilog's) reads the access log alike.
/// </summary>
public sealed class CallSummaryLineTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 8, 30, 15, 123, TimeSpan.Zero).AddTicks(4567));

    [Fact]
    public void The_direct_line_has_the_properties_and_values_of_Serilogs_line_for_the_same_call()
    {
        var call = Call(client: "vcb-ekyc");
        var result = new CallResult(StatusCodes.Status403Forbidden, Outcome.Forbidden, "GET", TimeSpan.FromMilliseconds(2.3456));

        var direct = Parse(Direct(summary => summary.Write(call, result, "0HNQK6H0SIOEG")));
        var serilog = Parse(ThroughSerilog(summary => summary.Write(call, result, "0HNQK6H0SIOEG")));

        Assert.Equal(serilog, direct);
        Assert.Equal("purpose-required", direct["Problem"]);
        Assert.Equal("2.346", direct["ElapsedMs"]);
        Assert.Equal("2026-12-07T08:30:15.1234567Z", direct["@t"]);
    }

    [Fact]
    public void A_long_value_is_cut_as_every_logged_string_is()
    {
        var call = Call(client: new string('c', 5_000));
        var result = new CallResult(StatusCodes.Status200OK, Outcome.Ok, "GET", TimeSpan.FromMilliseconds(1));

        var line = Direct(summary => summary.Write(call, result, "0HNQK6H0SIOEG"));

        var client = Parse(line)["Client"];
        Assert.Equal(ObservabilityOptions.LogStringMaxLength, client.Length);
        Assert.EndsWith("…", client, StringComparison.Ordinal);
    }

    [Fact]
    public void A_level_above_Information_is_named_on_the_line_as_Serilog_names_it()
    {
        var call = Call(client: "vcb-ekyc");
        var result = new CallResult(StatusCodes.Status200OK, Outcome.Ok, "GET", TimeSpan.FromMilliseconds(1));

        var direct = Parse(Direct(summary => summary.Write(call, result, "c"), LogLevel.Warning));

        Assert.Equal("Warning", direct["@l"]);
        Assert.Equal(Parse(ThroughSerilog(summary => summary.Write(call, result, "c"), LogLevel.Warning)), direct);
    }

    private string Direct(Action<CallSummary> write, LogLevel level = LogLevel.Information)
    {
        using var output = new MemoryStream();
        using (var console = new BatchedLogWriter(new RenderedCompactJsonFormatter(), output, 100, TimeSpan.Zero, _clock))
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().CreateLogger())
        {
            write(new CallSummary(logger, Options(level), _clock, console));
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }

    private string ThroughSerilog(Action<CallSummary> write, LogLevel level = LogLevel.Information)
    {
        using var output = new MemoryStream();
        using (var console = new BatchedLogWriter(new RenderedCompactJsonFormatter(), output, 100, TimeSpan.Zero, _clock))
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(console).CreateLogger())
        {
            write(new CallSummary(logger, Options(level), _clock));
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static IOptions<ObservabilityOptions> Options(LogLevel level) =>
        Microsoft.Extensions.Options.Options.Create(new ObservabilityOptions { CallSummaryLevel = level });

    private static GatewayCall Call(string client) => new()
    {
        TransactionId = "01a24f6b2bdc7601a019c7141bd37985",
        StartedAt = DateTimeOffset.UnixEpoch,
        StartTimestamp = Stopwatch.GetTimestamp(),
        ServiceId = "population-citizen-lookup",
        Agency = "VCB",
        ClientId = client,
        Problem = ProblemKind.PurposeRequired,
        TraceId = ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736"),
        SpanId = ActivitySpanId.CreateFromString("00f067aa0ba902b7"),
        UpstreamLatency = null,
        RequestBytes = 0,
        ResponseBytes = 262,
    };

    // One line, its properties as text (numbers as written): the order of properties is no reader's business.
    private static Dictionary<string, string> Parse(string text)
    {
        var line = Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
    }
}
