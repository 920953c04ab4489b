using System.Diagnostics;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// Waits for something to become true instead of sleeping a fixed time: probes until the condition holds or a
/// generous deadline passes, so a busy machine only makes a test slower, never wrong.
/// </summary>
internal static class Poll
{
    /// <summary>Long enough for a loaded 2-core CI machine; a passing test never waits for it.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Runs <paramref name="probe"/> until <paramref name="done"/> accepts its value or the deadline passes; returns the last value for the caller to assert on.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value) || clock.Elapsed > (deadline ?? Deadline))
            {
                return value;
            }

            await Task.Delay(Interval);
        }
    }

    /// <summary>As <see cref="UntilAsync{T}"/>, also returning how long it took: for promises of the form "within N seconds".</summary>
    public static async Task<(T Value, TimeSpan Elapsed)> TimedUntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? deadline = null)
    {
        var clock = Stopwatch.StartNew();
        var value = await UntilAsync(probe, done, deadline);
        return (value, clock.Elapsed);
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> if it never does.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var held = await UntilAsync(condition, held => held, deadline);
        Assert.True(held, $"{what}: not so after {(deadline ?? Deadline).TotalSeconds:0.#} s");
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, deadline);
}
