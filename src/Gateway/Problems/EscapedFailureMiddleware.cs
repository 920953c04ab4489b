namespace Ndxp.Gateway.Problems;

/// <summary>
/// What escapes the rest of the pipeline becomes the answer the caller is actually sent, here, inside metering, the
/// metrics and the call summary, so that all three record that status: left to Kestrel, a refused body would be sent
/// as its 400 or 413 (and a bug as a 500) while every step above still read the 200 of a response never written.
/// A request the caller abandoned is marked aborted instead. Only a bug is logged with its stack trace.
/// </summary>
internal sealed partial class EscapedFailureMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<EscapedFailureMiddleware> _logger;

    public EscapedFailureMiddleware(RequestDelegate next, ILogger<EscapedFailureMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var call = context.GetGatewayCall();
        return call is null ? _next(context) : GuardAsync(context, call);
    }

    private async Task GuardAsync(HttpContext context, GatewayCall call)
    {
        try
        {
            await _next(context);
        }
        catch (Exception failure) when (CallerDeparture.IsGone(context, failure))
        {
            // The connection is gone: nobody is left to read an answer.
            CallerDeparture.Record(context, call);
        }
        catch (BadHttpRequestException refused) when (!context.Response.HasStarted)
        {
            // Kestrel refused what the caller sent (a body over a limit, broken framing): the caller's fault, no bug.
            Log.RequestRefused(_logger, call.TransactionId, refused.StatusCode);
            await context.WriteProblemAsync(refused.StatusCode == StatusCodes.Status413PayloadTooLarge ? ProblemKind.RequestBodyTooLarge : ProblemKind.RequestMalformed);
        }
        catch (Exception bug) when (!context.Response.HasStarted)
        {
            Log.Failed(_logger, call.TransactionId, bug);
            await context.WriteProblemAsync(ProblemKind.InternalError);
        }
        catch (Exception bug)
        {
            // The answer has begun: it cannot be replaced, only cut off, and the caller did not receive all of it.
            Log.Failed(_logger, call.TransactionId, bug);
            CallerDeparture.Record(context, call);
            context.Abort();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5002, Level = LogLevel.Information,
            Message = "Call {TransactionId:l} refused by the server with {Status}: the request broke a limit or HTTP's framing")]
        public static partial void RequestRefused(ILogger logger, string transactionId, int status);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Call {TransactionId:l} failed inside the gateway")]
        public static partial void Failed(ILogger logger, string transactionId, Exception exception);
    }
}
