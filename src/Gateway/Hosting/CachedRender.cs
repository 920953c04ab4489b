namespace Ndxp.Gateway.Hosting;

/// <summary>
/// An answer that is costly to render and the same for every caller, rendered off the request path and shared: callers
/// that arrive while it renders wait for that rendering, and the result serves everyone until it is older than its
/// freshness (for ever, for a result fixed at start-up). A rendering that failed or was cancelled is begun again by the
/// next caller.
/// </summary>
internal sealed class CachedRender<T>
{
    private readonly Func<Task<T>> _render;
    private readonly TimeSpan _freshFor;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Rendering? _latest;
    private long _renders;

    private CachedRender(Func<Task<T>> render, TimeSpan freshFor, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(render);
        ArgumentNullException.ThrowIfNull(time);
        _render = render;
        _freshFor = freshFor;
        _time = time;
    }

    /// <summary>Rendered once and kept for the life of the process.</summary>
    public static CachedRender<T> Forever(Func<Task<T>> render) => new(render, Timeout.InfiniteTimeSpan, TimeProvider.System);

    /// <summary>Rendered again by the first caller after <paramref name="freshFor"/> since the last rendering began.</summary>
    public static CachedRender<T> FreshFor(TimeSpan freshFor, TimeProvider time, Func<Task<T>> render) => new(render, freshFor, time);

    /// <summary>Renderings begun since start, for tests that count them.</summary>
    public long Renders => Interlocked.Read(ref _renders);

    /// <summary>The latest rendering; <paramref name="cancellationToken"/> (the caller's) ends the wait, not the rendering.</summary>
    public Task<T> GetAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var latest = Volatile.Read(ref _latest);
        if (latest is null || !IsFresh(latest, now))
        {
            lock (_gate)
            {
                if (_latest is null || !IsFresh(_latest, now))
                {
                    // Not cancelled with the request that started it: the others waiting for it would fail with it.
                    _latest = new Rendering(now, Task.Run(RenderAsync, CancellationToken.None));
                }

                latest = _latest;
            }
        }

        return latest.Result.WaitAsync(cancellationToken);
    }

    // A rendering that began at most _freshFor before this caller (or is still running) is fresh enough for it.
    private bool IsFresh(Rendering rendering, long now) =>
        !rendering.Result.IsFaulted && !rendering.Result.IsCanceled
        && (_freshFor == Timeout.InfiniteTimeSpan || _time.GetElapsedTime(rendering.StartedAt, now) <= _freshFor);

    private Task<T> RenderAsync()
    {
        Interlocked.Increment(ref _renders);
        return _render();
    }

    private sealed record Rendering(long StartedAt, Task<T> Result);
}
