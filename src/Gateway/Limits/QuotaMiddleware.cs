using System.Globalization;
using Microsoft.Net.Http.Headers;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// After access admitted a call: the grant's daily and monthly quotas. Over quota: 429 quota-exceeded with
/// <c>Retry-After</c> until the quota resets (next UTC midnight, or the first of next month).
/// </summary>
internal sealed class QuotaMiddleware
{
    private readonly RequestDelegate _next;
    private readonly QuotaCounters _counters;
    private readonly RegistrySnapshotProvider _snapshots;
    private readonly TimeProvider _timeProvider;

    public QuotaMiddleware(RequestDelegate next, QuotaCounters counters, RegistrySnapshotProvider snapshots, TimeProvider timeProvider)
    {
        _next = next;
        _counters = counters;
        _snapshots = snapshots;
        _timeProvider = timeProvider;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var call = context.GetGatewayCall()!;
        if (call.GrantId is null || !_snapshots.Current.Grants.TryGetValue(call.GrantId, out var grant))
        {
            return _next(context);
        }

        var now = _timeProvider.GetUtcNow();
        if (_counters.TryConsume(grant, now, out var resetsAt))
        {
            return _next(context);
        }

        var seconds = Math.Max(1, (long)Math.Ceiling((resetsAt - now).TotalSeconds));
        context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
        return context.WriteProblemAsync(ProblemKind.QuotaExceeded, $"The quota resets at {resetsAt:yyyy-MM-ddTHH:mm:ssZ}.");
    }
}
