namespace Ndxp.Gateway.Problems;

/// <summary>
/// What escapes the rest of the data path becomes the answer the caller is actually sent, here, before metering, the
/// metrics and the call summary read the status, so that all three record it: left to Kestrel, a refused body would be
/// sent as its 400 or 413 (and a bug as a 500) while every step above still read the 200 of a response never written.
/// A request the caller abandoned is marked aborted instead. Only a bug is logged with its stack trace.
/// </summary>
internal sealed partial class EscapedFailure(ILogger<EscapedFailure> logger)
{
    public async Task HandleAsync(HttpContext context, GatewayCall call, Exception failure)
    {
        if (CallerDeparture.IsGone(context, failure))
        {
            // The connection is gone: nobody is left to read an answer.
            CallerDeparture.Record(context, call);
        }
        else if (context.Response.HasStarted)
        {
            // The answer has begun: it cannot be replaced, only cut off, and the caller did not receive all of it.
            Log.Failed(logger, call.TransactionId, failure);
            CallerDeparture.Record(context, call);
            context.Abort();
        }
        else if (failure is BadHttpRequestException refused)
        {
            // Kestrel refused what the caller sent (a body over a limit, broken framing): the caller's fault, no bug.
            Log.RequestRefused(logger, call.TransactionId, refused.StatusCode);
            await context.WriteProblemAsync(refused.StatusCode == StatusCodes.Status413PayloadTooLarge ? ProblemKind.RequestBodyTooLarge : ProblemKind.RequestMalformed);
        }
        else
        {
            Log.Failed(logger, call.TransactionId, failure);
            await context.WriteProblemAsync(ProblemKind.InternalError);
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
