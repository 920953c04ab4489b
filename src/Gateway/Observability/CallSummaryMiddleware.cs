using System.Diagnostics;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// One structured log event per data call: transaction id, trace id, service, agency, client, method, status,
/// outcome, latencies and bytes. Never the path, query string or body: they carry citizens' identifiers. Successful
/// calls can be sampled (<see cref="ObservabilityOptions.SuccessSampleRate"/>); refusals and failures never are.
/// </summary>
internal sealed partial class CallSummaryMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<CallSummaryMiddleware> _logger;
    private readonly ObservabilityOptions _options;

    public CallSummaryMiddleware(RequestDelegate next, ILogger<CallSummaryMiddleware> logger, IOptions<ObservabilityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _logger = logger;
        _options = options.Value;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context);
        }
        finally
        {
            if (context.GetGatewayCall() is { } call && _logger.IsEnabled(_options.CallSummaryLevel))
            {
                var status = context.Response.StatusCode;
                var outcome = call.OutcomeFor(status);
                if (outcome != Outcome.Ok || _options.SuccessSampleRate >= 1 || Random.Shared.NextDouble() < _options.SuccessSampleRate)
                {
                    Write(context, call, status, outcome);
                }
            }
        }
    }

    private void Write(HttpContext context, GatewayCall call, int status, Outcome outcome)
    {
        var problem = call.Problem is { } kind ? ProblemCatalog.Describe(kind).Slug : "-";
        var elapsedMs = Stopwatch.GetElapsedTime(call.StartTimestamp).TotalMilliseconds;
        var upstreamMs = call.UpstreamLatency?.TotalMilliseconds ?? 0;
        var traceId = (call.TraceId ?? Activity.Current?.TraceId)?.ToHexString() ?? "-";
        var outcomeName = outcome.Name();
        var method = RecordedMethod.Of(context);
        Log.CallCompleted(
            _logger,
            _options.CallSummaryLevel,
            call.TransactionId,
            traceId,
            call.ServiceId ?? "-",
            call.Agency ?? "-",
            call.ClientId ?? "-",
            method,
            status,
            outcomeName,
            problem,
            elapsedMs,
            upstreamMs,
            call.RequestBytes,
            call.ResponseBytes);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001,
            Message = "Call {TransactionId:l} {Service:l} by {Agency:l}/{Client:l} {Method:l} -> {Status} {Outcome:l} {Problem:l} in {ElapsedMs:0.0} ms (provider {UpstreamMs:0.0} ms, {RequestBytes} B in, {ResponseBytes} B out) trace {TraceId:l}")]
        public static partial void CallCompleted(
            ILogger logger, LogLevel level, string transactionId, string traceId, string service, string agency, string client, string method,
            int status, string outcome, string problem, double elapsedMs, double upstreamMs, long requestBytes, long responseBytes);
    }
}
