using Microsoft.Extensions.Time.Testing;
using Ndxp.Gateway.Load;

namespace Ndxp.Gateway.Tests.Load;

public sealed class OpenModelSchedulerTests
{
    [Fact]
    public void Calls_delayed_by_a_stall_keep_their_intended_start_times()
    {
        var time = new FakeTimeProvider();
        var launches = new List<(long Intended, long Launched)>();
        var scheduler = new OpenModelScheduler(
            InjectionProfile.Constant(100, TimeSpan.FromSeconds(1)), time, TimeSpan.FromSeconds(1), long.MaxValue,
            intended => launches.Add((intended, time.GetTimestamp())));
        scheduler.Start();

        scheduler.LaunchDue();
        time.Advance(TimeSpan.FromMilliseconds(50));
        scheduler.LaunchDue();

        // One launch at 0 ms, then the 10, 20, 30, 40 and 50 ms calls all at 50 ms, each with its own intended time.
        Assert.Equal([0, 10, 20, 30, 40, 50], launches.Select(l => Ms(time, l.Intended - scheduler.StartTimestamp)));
        Assert.Equal([0, 40, 30, 20, 10, 0], launches.Select(l => Ms(time, l.Launched - l.Intended)));
    }

    [Fact]
    public void The_schedule_ends_at_the_duration_or_the_call_count()
    {
        var time = new FakeTimeProvider();
        var launched = 0;
        var byTime = new OpenModelScheduler(InjectionProfile.Constant(1000, TimeSpan.FromSeconds(10)), time, TimeSpan.FromSeconds(1), long.MaxValue, _ => launched++);
        byTime.Start();
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.False(byTime.LaunchDue());
        Assert.Equal(1000, launched);

        var byCount = new OpenModelScheduler(InjectionProfile.Constant(1000, TimeSpan.FromSeconds(10)), time, TimeSpan.FromSeconds(10), 7, _ => { });
        byCount.Start();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(byCount.LaunchDue());
        Assert.Equal(7, byCount.Scheduled);
    }

    [Fact]
    public void A_ramp_schedules_the_area_under_its_rate()
    {
        // 0 to 100 calls/s over 10 s, then 100 calls/s for 1 s: 500 + 100 calls; call n of the ramp at sqrt(n/5) s.
        var profile = new InjectionProfile([new RampStage(0, 100, TimeSpan.FromSeconds(10)), new RampStage(100, 100, TimeSpan.FromSeconds(1))]);

        Assert.Equal(600, profile.TotalCalls);
        Assert.Equal(0, profile.IntendedSeconds(0));
        Assert.Equal(Math.Sqrt(20.0 / 5), profile.IntendedSeconds(20)!.Value, 9);
        Assert.Equal(Math.Sqrt(499.0 / 5), profile.IntendedSeconds(499)!.Value, 9);
        Assert.Equal(10.5, profile.IntendedSeconds(550)!.Value, 9);
        Assert.Null(profile.IntendedSeconds(600));
        var times = Enumerable.Range(0, 600).Select(n => profile.IntendedSeconds(n)!.Value).ToList();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public void A_ramp_down_to_zero_schedules_every_call_within_its_stage()
    {
        var profile = new InjectionProfile([new RampStage(100, 0, TimeSpan.FromSeconds(2))]);

        Assert.Equal(100, profile.TotalCalls);
        Assert.Equal(0.01, profile.IntendedSeconds(1)!.Value, 3);
        Assert.InRange(profile.IntendedSeconds(99)!.Value, 1.7, 2.0);
    }

    private static long Ms(FakeTimeProvider time, long timestamps) => (long)Math.Round(timestamps * 1000.0 / time.TimestampFrequency);
}
