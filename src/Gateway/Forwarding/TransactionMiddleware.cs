using System.Diagnostics;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Forwarding;

/// <summary>
/// Gives every call a transaction id that the provider receives and the caller sees in <c>X-Transaction-Id</c>, so
/// an agency, the gateway and a provider can talk about the same call. A caller-sent id is never trusted.
/// </summary>
internal sealed class TransactionMiddleware
{
    public const string HeaderName = "X-Transaction-Id";

    private readonly RequestDelegate _next;
    private readonly int _adminPort;
    private readonly TimeProvider _timeProvider;

    public TransactionMiddleware(RequestDelegate next, IOptions<GatewayHostOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _adminPort = options.Value.AdminPort;
        _timeProvider = timeProvider;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Connection.LocalPort == _adminPort)
        {
            // Health probes and scrapes are not data calls: no transaction, no call summary.
            return _next(context);
        }

        var call = new GatewayCall
        {
            TransactionId = Guid.CreateVersion7().ToString("N"),
            StartedAt = _timeProvider.GetUtcNow(),
            StartTimestamp = Stopwatch.GetTimestamp(),
        };
        context.Features.Set(call);
        context.Response.Headers[HeaderName] = call.TransactionId;
        return _next(context);
    }
}
