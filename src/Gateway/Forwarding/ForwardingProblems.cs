using Microsoft.Net.Http.Headers;
using Ndxp.Gateway.Problems;
using Yarp.ReverseProxy.Forwarder;

namespace Ndxp.Gateway.Forwarding;

/// <summary>
/// Turns YARP's bare 502/504 into problem+json when a provider is down, is too slow or switches protocols unasked.
/// Runs after YARP forwarded (or failed to) and writes only if the provider's answer has not started. A caller that
/// went away meanwhile is marked aborted on the call instead.
/// </summary>
internal static class ForwardingProblems
{
    public static async Task TranslateAsync(HttpContext context, GatewayCall call)
    {
        call.EndUpstream();

        var errorFeature = context.GetForwarderErrorFeature();
        var error = errorFeature?.Error;
        if (error is null or ForwarderError.None)
        {
            return;
        }

        if (error == ForwarderError.RequestCanceled || CallerDeparture.IsGone(context, errorFeature!.Exception))
        {
            // The caller went away, before or while the answer went out. Whatever YARP calls the error: a body the
            // caller cut off can surface as a failure to send to the provider.
            CallerDeparture.Record(context, call);
            return;
        }

        if (context.Response.HasStarted)
        {
            return;
        }

        // A chunked body that grew past the service's limit: Kestrel stopped reading it with a 413.
        if (error == ForwarderError.RequestBodyClient && CallerDeparture.Holds(errorFeature.Exception, e => e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }))
        {
            await context.WriteProblemAsync(ProblemKind.RequestBodyTooLarge);
            return;
        }

        // YARP passes on a provider's 101 and then asks Kestrel to switch the caller's connection, which Kestrel refuses
        // for a call that did not ask to upgrade (access admits no other): the caller must not be told it switched.
        if (error == ForwarderError.UpgradeResponseClient)
        {
            context.Response.Headers.Remove(HeaderNames.Upgrade);
            context.Response.Headers.Remove(HeaderNames.Connection);
            await context.WriteProblemAsync(ProblemKind.ProviderError);
            return;
        }

        ProblemKind? kind = error switch
        {
            ForwarderError.RequestTimedOut => ProblemKind.ProviderTimeout,
            // The caller broke its side of the exchange (a caller that left is handled above): YARP already chose 400.
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient
                or ForwarderError.UpgradeRequestClient => null,
            _ => ProblemKind.ProviderError,
        };

        if (kind is { } problem)
        {
            await context.WriteProblemAsync(problem);
        }
    }
}
