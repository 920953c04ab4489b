using BenchmarkDotNet.Attributes;
using Ndxp.Gateway.Observability;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Benchmarks;

/// <summary>
/// The per-call Prometheus series of a forwarded call answered 200: the in-flight gauge up and down, the requests
/// counter and the call and provider-leg histograms, each child looked up by its labels.
/// </summary>
[MemoryDiagnoser]
public class CallMetricsBenchmarks : IDisposable
{
    private RegistrySnapshotProvider _snapshots = null!;
    private CallMetrics _metrics = null!;
    private GatewayCall _call = null!;

    [GlobalSetup]
    public void Setup()
    {
        _snapshots = DemoRegistry.Publish(DemoRegistry.Read());
        _metrics = new CallMetrics(_snapshots);
        _call = DemoCall.Forwarded();
    }

    /// <summary><see cref="CallMetrics.Started"/> too, which only increments a gauge, so that the gauge stays balanced.</summary>
    [Benchmark]
    public void StartedAndFinished()
    {
        _metrics.Started();
        _metrics.Finished(_call, DemoCall.Result);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _snapshots?.Dispose();
        GC.SuppressFinalize(this);
    }
}
