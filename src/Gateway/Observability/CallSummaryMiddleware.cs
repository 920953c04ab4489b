using System.Diagnostics;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// One structured log event per data call: transaction id, service, agency, client, method, status, outcome and
/// duration. Never the path, query string or body: they carry citizens' identifiers.
/// </summary>
internal sealed partial class CallSummaryMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<CallSummaryMiddleware> _logger;

    public CallSummaryMiddleware(RequestDelegate next, ILogger<CallSummaryMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context);
        }
        finally
        {
            if (_logger.IsEnabled(LogLevel.Information) && context.GetGatewayCall() is { } call)
            {
                var status = context.Response.StatusCode;
                var outcome = call.OutcomeFor(status).Name();
                var problem = call.Problem is { } kind ? ProblemCatalog.Describe(kind).Slug : "-";
                var elapsedMs = Stopwatch.GetElapsedTime(call.StartTimestamp).TotalMilliseconds;
                Log.CallCompleted(
                    _logger,
                    call.TransactionId,
                    call.ServiceId ?? "-",
                    call.Agency ?? "-",
                    call.ClientId ?? "-",
                    context.Request.Method,
                    status,
                    outcome,
                    problem,
                    elapsedMs);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
            Message = "Call {TransactionId:l} {Service:l} by {Agency:l}/{Client:l} {Method:l} -> {Status} {Outcome:l} {Problem:l} in {ElapsedMs:0.0} ms")]
        public static partial void CallCompleted(
            ILogger logger, string transactionId, string service, string agency, string client, string method, int status,
            string outcome, string problem, double elapsedMs);
    }
}
