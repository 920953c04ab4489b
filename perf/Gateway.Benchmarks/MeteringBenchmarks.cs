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
/// stays bounded; that read is part of the figure. The demo's population service names its data subject in the path,
/// so <see cref="Record"/> includes the subject's keyed pseudonym (HMAC-SHA256); <see cref="RecordWithoutSubject"/>
/// is the same call on a path that names none.
/// </summary>
[MemoryDiagnoser]
public class MeteringBenchmarks : IDisposable
{
    private RegistrySnapshotProvider _snapshots = null!;
    private RefusalBudget _refusals = null!;
    private UsageRecorder _recorder = null!;
    private CallMetering _metering = null!;
    private DefaultHttpContext _context = null!;
    private DefaultHttpContext _noSubject = null!;
    private string _keys = null!;
    private CallBytes _bytes = null!;
    private GatewayCall _call = null!;

    [GlobalSetup]
    public void Setup()
    {
        _snapshots = DemoRegistry.Publish(DemoRegistry.Read());
        var limits = Options.Create(new LimitsOptions());
        _refusals = new RefusalBudget(limits, TimeProvider.System, new LiveReplicas(limits));
        _recorder = new UsageRecorder();
        _keys = Directory.CreateTempSubdirectory("ndxp-bench-keys-").FullName;
        var pseudonyms = Trail.PseudonymKeyRing.Load(_keys, null, generateIfMissing: true, TimeProvider.System, NullLogger.Instance);
        _metering = new CallMetering(_recorder, _snapshots, _refusals, pseudonyms, NullLogger<CallMetering>.Instance);
        _context = new DefaultHttpContext();
        _context.Request.Method = HttpMethods.Get;
        _context.Request.Path = "/population/v1/citizens/001099012345";
        _noSubject = new DefaultHttpContext();
        _noSubject.Request.Method = HttpMethods.Get;
        _noSubject.Request.Path = "/population/v1/statistics";
        _bytes = CallMetering.Watch(_context);
        _call = DemoCall.Forwarded();
    }

    [Benchmark]
    public async ValueTask<UsageRecord> Record()
    {
        await _metering.RecordAsync(_context, _call, _bytes, DemoCall.Result);
        return _recorder.Reader.TryRead(out var record) && record.Subject is not null ? record : throw new InvalidOperationException("The call was not recorded with its subject.");
    }

    [Benchmark]
    public async ValueTask<UsageRecord> RecordWithoutSubject()
    {
        await _metering.RecordAsync(_noSubject, _call, _bytes, DemoCall.Result);
        return _recorder.Reader.TryRead(out var record) && record.Subject is null ? record : throw new InvalidOperationException("The call was not recorded without a subject.");
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _refusals?.Dispose();
        _snapshots?.Dispose();
        if (_keys is not null)
        {
            Directory.Delete(_keys, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
