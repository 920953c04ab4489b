namespace Ndxp.Gateway.Load;

/// <summary>
/// Starts the calls of an open-model run at their intended times: each pass launches every call whose intended start
/// (a <see cref="TimeProvider"/> timestamp) has passed, however late, with that intended time, so a stall of the
/// target or of this process shows as latency of the calls it delayed (coordinated omission corrected) instead of
/// fewer calls. Nothing waits for an answer.
/// </summary>
internal sealed class OpenModelScheduler
{
    private readonly InjectionProfile _profile;
    private readonly TimeProvider _time;
    private readonly long _maxCalls;
    private readonly double _endSeconds;
    private readonly Action<long> _launch;
    private long _start;
    private long _next;
    private long _scheduled;
    private bool _finished;

    // launch: starts one call given its intended start timestamp; must not block.
    public OpenModelScheduler(InjectionProfile profile, TimeProvider time, TimeSpan duration, long maxCalls, Action<long> launch)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(launch);
        _profile = profile;
        _time = time;
        _maxCalls = maxCalls;
        _endSeconds = Math.Min(duration.TotalSeconds, profile.Duration.TotalSeconds);
        _launch = launch;
    }

    /// <summary>Calls whose intended time has come, launched or not.</summary>
    public long Scheduled => Volatile.Read(ref _scheduled);

    public bool Finished => _finished;

    public long StartTimestamp => _start;

    public void Start()
    {
        _start = _time.GetTimestamp();
        _finished = !TryAdvance(0);
    }

    /// <summary>Launches every call whose intended start has passed; returns false once the schedule is over.</summary>
    public bool LaunchDue()
    {
        var now = _time.GetTimestamp();
        while (!_finished && _next <= now)
        {
            _launch(_next);
            var n = Interlocked.Increment(ref _scheduled);
            _finished = n >= _maxCalls || !TryAdvance(n);
        }

        return !_finished;
    }

    /// <summary>How long until the next intended start (zero if it has passed).</summary>
    public TimeSpan UntilNext() => _finished ? TimeSpan.Zero : _time.GetElapsedTime(_time.GetTimestamp(), Math.Max(_next, _time.GetTimestamp()));

    /// <summary>
    /// Runs the schedule on a thread of its own until it is over or <paramref name="stop"/> is cancelled. The thread
    /// sleeps 1 ms between passes (the finest sleep the runtime offers) and only yields when the next start is nearer
    /// than that: a call starts at most about a millisecond late, and its latency, counted from its intended start,
    /// includes that lateness (reported as scheduler lag).
    /// </summary>
    public Task RunAsync(CancellationToken stop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Start();
                while (!stop.IsCancellationRequested && LaunchDue())
                {
                    var wait = UntilNext();
                    if (wait > TimeSpan.FromMilliseconds(0.2))
                    {
                        Thread.Sleep(1);
                    }
                    else if (wait > TimeSpan.Zero)
                    {
                        Thread.Yield();
                    }
                }

                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "load scheduler",
            Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
        return done.Task;
    }

    private bool TryAdvance(long n)
    {
        if (_profile.IntendedSeconds(n) is not { } seconds || seconds >= _endSeconds)
        {
            return false;
        }

        _next = _start + (long)(seconds * _time.TimestampFrequency);
        return true;
    }
}
