using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Benchmarks;

/// <summary>
/// The record of a call, on the request thread: the byte counts settled, a <see cref="UsageRecord"/> built, the
/// metered-calls counter incremented and the record handed to the <see cref="UsageRecorder"/> channel. The benchmark
/// takes the record back out of the channel, as the <see cref="UsageWriter"/> would on its own thread, so that memory
/// stays bounded; that read is part of the figure.
/// </summary>
[MemoryDiagnoser]
public class MeteringBenchmarks : IDisposable
{
    private RegistrySnapshotProvider _snapshots = null!;
    private RefusalBudget _refusals = null!;
    private UsageRecorder _recorder = null!;
    private CallMetering _metering = null!;
    private DefaultHttpContext _context = null!;
    private CallBytes _bytes = null!;
    private GatewayCall _call = null!;

    [GlobalSetup]
    public void Setup()
    {
        _snapshots = DemoRegistry.Publish(DemoRegistry.Read());
        _refusals = new RefusalBudget(Options.Create(new LimitsOptions()), TimeProvider.System);
        _recorder = new UsageRecorder();
        _metering = new CallMetering(_recorder, _snapshots, _refusals, NullLogger<CallMetering>.Instance);
        _context = new DefaultHttpContext();
        _context.Request.Method = HttpMethods.Get;
        _bytes = CallMetering.Watch(_context);
        _call = DemoCall.Forwarded();
    }

    [Benchmark]
    public async ValueTask<UsageRecord> Record()
    {
        await _metering.RecordAsync(_context, _call, _bytes, DemoCall.Result);
        return _recorder.Reader.TryRead(out var record) ? record : throw new InvalidOperationException("The call was not recorded.");
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _refusals?.Dispose();
        _snapshots?.Dispose();
        GC.SuppressFinalize(this);
    }
}
