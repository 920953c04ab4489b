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
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _next(context);
        }
        finally
        {
            if (_logger.IsEnabled(LogLevel.Information) && context.GetGatewayCall() is { } call)
            {
                var status = context.Response.StatusCode;
                var outcome = OutcomeOf(call, status).ToString();
                var problem = call.Problem is { } kind ? ProblemCatalog.Describe(kind).Slug : "-";
                var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
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

    /// <summary>The outcome category of a finished call: from the gateway's own refusal if any, else from the status.</summary>
    public static Outcome OutcomeOf(GatewayCall call, int status)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Problem is { } problem)
        {
            return ProblemCatalog.Describe(problem).Outcome;
        }

        return status switch
        {
            < 400 => Outcome.Ok,
            StatusCodes.Status401Unauthorized => Outcome.Unauthorized,
            StatusCodes.Status403Forbidden => Outcome.Forbidden,
            StatusCodes.Status429TooManyRequests => Outcome.RateLimited,
            < 500 => Outcome.ClientError,
            StatusCodes.Status504GatewayTimeout => Outcome.Timeout,
            _ => Outcome.UpstreamError,
        };
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
