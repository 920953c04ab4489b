using Microsoft.AspNetCore.Connections;

namespace Ndxp.Gateway.Problems;

/// <summary>
/// Whether a call's caller went away, and how that is recorded: one rule for the forwarder's errors and for what
/// escapes the pipeline elsewhere (the token endpoint's form read).
/// </summary>
internal static class CallerDeparture
{
    /// <summary>
    /// The caller is gone: Kestrel cancelled the request, or the failure holds what its leaving looks like before
    /// Kestrel has cancelled the request for it: the reset of its connection, or a body with a declared length that
    /// ended early (Kestrel's only 400 for such a body: the connection closed under it; a chunked body's 400 can be a
    /// malformed chunk, so it does not count).
    /// </summary>
    public static bool IsGone(HttpContext context, Exception? failure) =>
        context.RequestAborted.IsCancellationRequested
        || Holds(failure, e => e is ConnectionResetException
            || (e is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } && context.Request.ContentLength is not null));

    /// <summary>
    /// Records the call as aborted: with the status 499 (nginx's "client closed request") when no answer went out, so
    /// that metering, metrics and the summary, which read the response's status, never report the 200 of a response
    /// never written; with the status that went out when the answer had begun.
    /// </summary>
    public static void Record(HttpContext context, GatewayCall call)
    {
        call.Aborted = true;
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
        }
    }

    /// <summary>Whether the exception or one inside it (aggregated or inner) matches.</summary>
    public static bool Holds(Exception? exception, Func<Exception, bool> match) => exception switch
    {
        null => false,
        _ when match(exception) => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(inner => Holds(inner, match)),
        _ => Holds(exception.InnerException, match),
    };
}
