namespace Ndxp.Gateway.Load;

/// <summary>A stage of an open-model profile: the arrival rate goes linearly from <see cref="From"/> to <see cref="To"/> calls/s.</summary>
internal sealed record RampStage(double From, double To, TimeSpan Duration)
{
    /// <summary>Calls the stage schedules: the area under its rate.</summary>
    public double Calls => (From + To) / 2 * Duration.TotalSeconds;
}

/// <summary>
/// When each call of an open-model run is meant to start, from the arrival rate alone (never from answers): call
/// <c>n</c> (0-based) starts when the integral of the rate reaches <c>n</c>. A constant rate is one stage.
/// </summary>
internal sealed class InjectionProfile
{
    private readonly RampStage[] _stages;
    private readonly double[] _callsBefore;
    private readonly double[] _secondsBefore;

    public InjectionProfile(IReadOnlyList<RampStage> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        _stages = [.. stages];
        _callsBefore = new double[_stages.Length];
        _secondsBefore = new double[_stages.Length];
        double calls = 0, seconds = 0;
        for (var i = 0; i < _stages.Length; i++)
        {
            _callsBefore[i] = calls;
            _secondsBefore[i] = seconds;
            calls += _stages[i].Calls;
            seconds += _stages[i].Duration.TotalSeconds;
        }

        TotalCalls = calls;
        Duration = TimeSpan.FromSeconds(seconds);
    }

    public static InjectionProfile Constant(double rate, TimeSpan duration) => new([new RampStage(rate, rate, duration)]);

    public IReadOnlyList<RampStage> Stages => _stages;

    public TimeSpan Duration { get; }

    public double TotalCalls { get; }

    /// <summary>Seconds from the start of the run at which call <paramref name="n"/> is meant to start; null past the last stage.</summary>
    public double? IntendedSeconds(long n)
    {
        for (var i = 0; i < _stages.Length; i++)
        {
            var stage = _stages[i];
            var k = n - _callsBefore[i];
            if (k >= stage.Calls)
            {
                continue;
            }

            var seconds = stage.Duration.TotalSeconds;
            // Calls before time t within the stage: From*t + (To-From)/(2*seconds)*t^2 = k, solved for t in the form that
            // stays exact when To equals From (no division by the slope).
            var slope = (stage.To - stage.From) / (2 * seconds);
            var t = k <= 0 ? 0 : 2 * k / (stage.From + Math.Sqrt((stage.From * stage.From) + (4 * slope * k)));
            return _secondsBefore[i] + t;
        }

        return null;
    }
}
