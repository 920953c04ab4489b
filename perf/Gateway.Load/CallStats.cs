using System.Collections.Concurrent;

namespace Ndxp.Gateway.Load;

/// <summary>How a call ended without an answer.</summary>
internal enum CallFailure
{
    /// <summary>No answer within <c>--timeout</c>, or still running at the hard stop.</summary>
    Timeout,

    /// <summary>The connection failed or was closed (refused, reset, malformed answer).</summary>
    Transport,
}

/// <summary>
/// What the calls of one scenario run by one client got: status counts, failures, calls the in-flight cap kept from
/// starting, and their latency from the intended start. Updated from any thread.
/// </summary>
internal sealed class CallStats
{
    // Bounded: what a misbehaving target answers cannot grow the report.
    private const int MaxUnexpectedKinds = 32;

    private readonly long[] _statuses = new long[600];
    private readonly ConcurrentDictionary<string, long> _unexpected = new(StringComparer.Ordinal);
    private long _timeouts;
    private long _transportErrors;
    private long _notStarted;

    public LatencyRecorder Latency { get; } = new();

    public long Timeouts => Interlocked.Read(ref _timeouts);

    public long TransportErrors => Interlocked.Read(ref _transportErrors);

    public long NotStarted => Interlocked.Read(ref _notStarted);

    /// <summary>Answered calls by status code, in code order.</summary>
    public IReadOnlyList<(int Status, long Count)> Statuses =>
        [.. _statuses.Select((count, status) => (status, Interlocked.Read(ref _statuses[status]))).Where(s => s.Item2 > 0)];

    public long Answered => Statuses.Sum(s => s.Count);

    /// <summary>Unexpected answers by status and problem type, e.g. <c>429 urn:ndxp:problem:refusal-budget-exceeded</c>.</summary>
    public IReadOnlyDictionary<string, long> Unexpected => _unexpected;

    /// <summary>Counts an answer; its latency only if it is <paramref name="measured"/> (past the warm-up).</summary>
    public void Answer(int status, long latencyMicros, bool measured)
    {
        Interlocked.Increment(ref _statuses[Math.Clamp(status, 0, _statuses.Length - 1)]);
        if (measured)
        {
            Latency.Record(latencyMicros);
        }
    }

    public void Unexpect(int status, string? problemType)
    {
        var kind = $"{status} {problemType ?? "(no problem type)"}";
        if (_unexpected.Count < MaxUnexpectedKinds || _unexpected.ContainsKey(kind))
        {
            _unexpected.AddOrUpdate(kind, 1, (_, n) => n + 1);
        }
        else
        {
            _unexpected.AddOrUpdate($"{status} (other)", 1, (_, n) => n + 1);
        }
    }

    public void Fail(CallFailure failure) =>
        Interlocked.Increment(ref failure == CallFailure.Timeout ? ref _timeouts : ref _transportErrors);

    public void NotStart() => Interlocked.Increment(ref _notStarted);
}
