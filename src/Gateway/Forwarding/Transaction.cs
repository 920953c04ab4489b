using System.Diagnostics;

namespace Ndxp.Gateway.Forwarding;

/// <summary>
/// Gives every data call a transaction id that the provider receives and the caller sees in <c>X-Transaction-Id</c>,
/// so an agency, the gateway and a provider can talk about the same call. A caller-sent id is never trusted.
/// </summary>
internal static class Transaction
{
    public const string HeaderName = "X-Transaction-Id";

    /// <summary>The call's record, kept as a feature of the request, and its id on the response.</summary>
    public static GatewayCall Begin(HttpContext context, TimeProvider clock)
    {
        var call = new GatewayCall
        {
            TransactionId = Guid.CreateVersion7().ToString("N"),
            StartedAt = clock.GetUtcNow(),
            StartTimestamp = Stopwatch.GetTimestamp(),
        };
        context.Features.Set(call);
        context.Response.Headers[HeaderName] = call.TransactionId;
        return call;
    }
}
