namespace Ndxp.Gateway.Load;

/// <summary>A scenario as one client runs it: its token, its share of the calls and what its calls got.</summary>
internal sealed class ScenarioBinding(Scenario scenario, LoadClient client, ClientToken? token, double weight)
{
    public Scenario Scenario { get; } = scenario;

    public LoadClient Client { get; } = client;

    /// <summary>Null in an anonymous run.</summary>
    public ClientToken? Token { get; } = token;

    public double Weight { get; } = weight;

    public CallStats Stats { get; } = new();
}

/// <summary>Draws a binding for each call in proportion to its weight (cumulative weights, binary search).</summary>
internal sealed class WeightedMix
{
    private readonly ScenarioBinding[] _bindings;
    private readonly double[] _cumulative;

    public WeightedMix(IReadOnlyList<ScenarioBinding> bindings)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        _bindings = [.. bindings.Where(b => b.Weight > 0)];
        _cumulative = new double[_bindings.Length];
        double sum = 0;
        for (var i = 0; i < _bindings.Length; i++)
        {
            sum += _bindings[i].Weight;
            _cumulative[i] = sum;
        }
    }

    public ScenarioBinding Pick(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var index = Array.BinarySearch(_cumulative, random.NextDouble() * _cumulative[^1]);
        return _bindings[Math.Min(index < 0 ? ~index : index + 1, _bindings.Length - 1)];
    }
}
