using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Benchmarks;

/// <summary>The record of the demo's busiest call as the last steps read it: admitted, forwarded and answered 200.</summary>
internal static class DemoCall
{
    public const int Status = StatusCodes.Status200OK;
    public const Outcome Answered = Outcome.Ok;
    public const string Method = "GET";
    public const string ConnectionId = "0HNQK6H0SIOEG";

    /// <summary>How the call ended, as the data path settles it once for metering, metrics and the access log.</summary>
    public static readonly CallResult Result = new(Status, Answered, Method, TimeSpan.FromMilliseconds(2));

    public static GatewayCall Forwarded() => new()
    {
        TransactionId = Guid.CreateVersion7().ToString("N"),
        StartedAt = DateTimeOffset.UtcNow,
        StartTimestamp = Stopwatch.GetTimestamp(),
        ServiceId = DemoRegistry.ServiceId,
        ServiceVersion = "v1",
        GrantId = DemoRegistry.GrantId,
        Agency = DemoRegistry.Agency,
        ClientId = DemoRegistry.ClientId,
        Purpose = DemoRegistry.Purpose,
        TraceId = ActivityTraceId.CreateRandom(),
        SpanId = ActivitySpanId.CreateRandom(),
        UpstreamLatency = TimeSpan.FromMilliseconds(1.7),
        RequestBytes = 0,
        ResponseBytes = 412,
    };
}
