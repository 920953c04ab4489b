using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// Meters every data call that names a registered service and an identifiable caller: after the answer (for an
/// upgraded call, once its tunnel closes), it builds a <see cref="UsageRecord"/> from the <see cref="GatewayCall"/>
/// and hands it to the recorder (no store I/O here). A refusal by the gateway spends from the client's
/// <see cref="RefusalBudget"/>; beyond it, the record is aggregated.
/// </summary>
internal sealed partial class MeteringMiddleware
{
    private readonly RequestDelegate _next;
    private readonly UsageRecorder _recorder;
    private readonly Registry.RegistrySnapshotProvider _snapshots;
    private readonly RefusalBudget _refusals;
    private readonly ILogger<MeteringMiddleware> _logger;

    public MeteringMiddleware(
        RequestDelegate next, UsageRecorder recorder, Registry.RegistrySnapshotProvider snapshots, RefusalBudget refusals, ILogger<MeteringMiddleware> logger)
    {
        _next = next;
        _recorder = recorder;
        _snapshots = snapshots;
        _refusals = refusals;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var call = context.GetGatewayCall();
        return call is null ? _next(context) : MeterAsync(context, call);
    }

    private async Task MeterAsync(HttpContext context, GatewayCall call)
    {
        var body = new CountingResponseBodyFeature(context.Features.Get<IHttpResponseBodyFeature>()!);
        context.Features.Set<IHttpResponseBodyFeature>(body);
        long requestBytes = 0;
        if (context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            context.Request.Body = new CountingStream(context.Request.Body, read: n => requestBytes += n);
        }

        var tunnel = TunnelBytes.Watch(context.Features);

        try
        {
            await _next(context);
        }
        finally
        {
            // An upgraded call ends when its tunnel closes: latency and bytes cover the whole session.
            call.RequestBytes = (context.Request.ContentLength ?? requestBytes) + (tunnel?.Received ?? 0);
            call.ResponseBytes = body.BytesWritten + (tunnel?.Sent ?? 0);
            if (call.Agency is { } agency && call.ClientId is { } client && call.ServiceId is { } service)
            {
                var status = context.Response.StatusCode;
                var record = new UsageRecord
                {
                    TransactionId = call.TransactionId,
                    Timestamp = call.StartedAt,
                    Agency = agency,
                    Client = client,
                    Service = service,
                    ServiceVersion = call.ServiceVersion,
                    Grant = call.GrantId,
                    Method = RecordedMethod.Of(context),
                    Status = status,
                    Outcome = call.OutcomeFor(status),
                    LatencyMs = Stopwatch.GetElapsedTime(call.StartTimestamp).TotalMilliseconds,
                    UpstreamLatencyMs = call.UpstreamLatency?.TotalMilliseconds,
                    RequestBytes = call.RequestBytes,
                    ResponseBytes = call.ResponseBytes,
                    Purpose = call.Purpose,
                    Aggregated = await IsBeyondRefusalBudgetAsync(call, client),
                };
                MeteringMetrics.Count(record, _snapshots.Current);
                if (!_recorder.Record(record))
                {
                    Log.RecordRefused(_logger, call.TransactionId);
                }
            }
        }
    }

    // Only the gateway's own refusals (4xx problems) spend; a provider's 4xx answers are its business.
    private async ValueTask<bool> IsBeyondRefusalBudgetAsync(GatewayCall call, string client)
    {
        if (call.Problem is not { } problem || ProblemCatalog.Describe(problem) is not { Status: >= 400 and < 500 } refusal)
        {
            return false;
        }

        return problem == ProblemKind.RefusalBudgetExceeded
            || !await _refusals.SpendAsync(client, limited: refusal.Outcome is Outcome.RateLimited or Outcome.QuotaExceeded);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Error,
            Message = "Call {TransactionId} finished after metering shut down and was not metered")]
        public static partial void RecordRefused(ILogger logger, string transactionId);
    }
}
