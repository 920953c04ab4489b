using Microsoft.AspNetCore.Http.Features;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// Meters every data call that names a registered service and an identifiable caller: it counts the bytes each way
/// while the call runs, and after the answer (for an upgraded call, once its tunnel closes) builds a
/// <see cref="UsageRecord"/> from the <see cref="GatewayCall"/> and hands it to the recorder (no store I/O here). A
/// refusal by the gateway spends from the client's <see cref="RefusalBudget"/>; beyond it, the record is aggregated.
/// </summary>
internal sealed partial class CallMetering(
    UsageRecorder recorder, Registry.RegistrySnapshotProvider snapshots, RefusalBudget refusals, Trail.PseudonymKeyRing pseudonyms, ILogger<CallMetering> logger)
{
    /// <summary>Starts counting the call's bytes: its request body (when no length was declared), its answer, its tunnel.</summary>
    public static CallBytes Watch(HttpContext context)
    {
        var bytes = new CallBytes(context.Features.Get<IHttpResponseBodyFeature>()!, TunnelBytes.Watch(context.Features));
        context.Features.Set<IHttpResponseBodyFeature>(bytes.Response);
        if (context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            context.Request.Body = new CountingStream(context.Request.Body, read: n => bytes.RequestBodyRead += n);
        }

        return bytes;
    }

    /// <summary>Sets the call's byte counts and, for an identified caller of a service, records it.</summary>
    public async ValueTask RecordAsync(HttpContext context, GatewayCall call, CallBytes bytes, CallResult result)
    {
        // An upgraded call ends when its tunnel closes: latency and bytes cover the whole session.
        call.RequestBytes = (context.Request.ContentLength ?? bytes.RequestBodyRead) + (bytes.Tunnel?.Received ?? 0);
        call.ResponseBytes = bytes.Response.BytesWritten + (bytes.Tunnel?.Sent ?? 0);
        if (call.Agency is not { } agency || call.ClientId is not { } client || call.ServiceId is not { } service)
        {
            return;
        }

        var snapshot = snapshots.Current;
        var aggregated = await IsBeyondRefusalBudgetAsync(call, client);
        // A refusal counted only in the aggregates has no row, so no trail entry: its pseudonym is not worth computing.
        var subject = aggregated ? null : SubjectOf(context, snapshot, service);
        var record = new UsageRecord
        {
            TransactionId = call.TransactionId,
            Timestamp = Audit.AuditChain.Timestamp(call.StartedAt),
            Agency = agency,
            Client = client,
            Service = service,
            ServiceVersion = call.ServiceVersion,
            Grant = call.GrantId,
            Method = result.Method,
            Status = result.Status,
            Outcome = result.Outcome,
            LatencyMs = result.Elapsed.TotalMilliseconds,
            UpstreamLatencyMs = call.UpstreamLatency?.TotalMilliseconds,
            RequestBytes = call.RequestBytes,
            ResponseBytes = call.ResponseBytes,
            Purpose = call.Purpose,
            Subject = subject,
            SubjectKey = subject is null ? null : pseudonyms.ActiveVersion,
            Aggregated = aggregated,
        };
        MeteringMetrics.Count(record, snapshot, call.TraceId);
        if (!recorder.Record(record))
        {
            Log.RecordRefused(logger, call.TransactionId);
        }
    }

    // The data subject the call's path names, as its keyed pseudonym: the identifier itself goes no further than here.
    private string? SubjectOf(HttpContext context, Registry.RegistrySnapshot snapshot, string service)
    {
        if (!snapshot.Services.TryGetValue(service, out var entry) || entry.Subject is not { } subjectPath)
        {
            return null;
        }

        var identifier = subjectPath.SubjectOf(context.Request.Path.Value);
        return identifier.IsEmpty ? null : pseudonyms.Pseudonym(identifier);
    }

    // Only the gateway's own refusals (4xx problems) spend; a provider's 4xx answers are its business.
    private async ValueTask<bool> IsBeyondRefusalBudgetAsync(GatewayCall call, string client)
    {
        if (call.Problem is not { } problem || ProblemCatalog.Describe(problem) is not { Status: >= 400 and < 500 } refusal)
        {
            return false;
        }

        return problem == ProblemKind.RefusalBudgetExceeded
            || !await refusals.SpendAsync(client, limited: refusal.Outcome is Outcome.RateLimited or Outcome.QuotaExceeded);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Error,
            Message = "Call {TransactionId} finished after metering shut down and was not metered")]
        public static partial void RecordRefused(ILogger logger, string transactionId);
    }
}

/// <summary>The byte counters of one call while it runs.</summary>
internal sealed class CallBytes(IHttpResponseBodyFeature response, TunnelBytes? tunnel)
{
    public CountingResponseBodyFeature Response { get; } = new(response);

    public TunnelBytes? Tunnel { get; } = tunnel;

    public long RequestBodyRead { get; set; }
}
