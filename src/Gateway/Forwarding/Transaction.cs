using System.Diagnostics;
using System.Security.Cryptography;

namespace Ndxp.Gateway.Forwarding;

/// <summary>
/// Gives every data call a transaction id that the provider receives and the caller sees in <c>X-Transaction-Id</c>,
/// so an agency, the gateway and a provider can talk about the same call. A caller-sent id is never trusted.
/// </summary>
internal static class Transaction
{
    public const string HeaderName = "X-Transaction-Id";

    // In the layout of a UUIDv7 (RFC 9562 section 5.7), 32 hex digits: the call's Unix milliseconds, then 42 bits
    // drawn once per process and a 32-bit counter. Unique within a process while fewer than 2^32 calls arrive in one
    // millisecond, and across replicas with the odds of 42 random bits; ordered by time like UUIDv7. Guid.CreateVersion7
    // draws 74 random bits from the kernel on every call, a system call per call the gateway does not need.
    private static readonly long ProcessBits = (long)(uint)RandomNumberGenerator.GetInt32(int.MaxValue) | ((long)RandomNumberGenerator.GetInt32(1 << 11) << 31);
    private static int _counter = RandomNumberGenerator.GetInt32(int.MaxValue);

    /// <summary>The call's record, kept as a feature of the request, and its id on the response.</summary>
    public static GatewayCall Begin(HttpContext context, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var call = new GatewayCall
        {
            TransactionId = NewId(now),
            StartedAt = now,
            StartTimestamp = Stopwatch.GetTimestamp(),
            TraceId = ActivityTraceId.CreateRandom(),
            SpanId = ActivitySpanId.CreateRandom(),
        };
        context.Features.Set(call);
        context.Response.Headers[HeaderName] = call.TransactionId;
        return call;
    }

    internal static string NewId(DateTimeOffset now)
    {
        var high = ((ulong)now.ToUnixTimeMilliseconds() << 16) | 0x7000UL | (ulong)(ProcessBits & 0xFFF);
        var low = 0x8000_0000_0000_0000UL | ((ulong)(ProcessBits >> 12) << 32) | (uint)Interlocked.Increment(ref _counter);
        return string.Create(32, (high, low), static (chars, id) =>
        {
            id.high.TryFormat(chars, out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
            id.low.TryFormat(chars[16..], out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
        });
    }
}
