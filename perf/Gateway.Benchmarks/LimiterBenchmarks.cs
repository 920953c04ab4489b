using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Benchmarks;

/// <summary>
/// Step 5 of a service call: within the limits, on one node (no Redis). <see cref="Admit"/> is the whole step: the
/// service's concurrency cap, the grant's and the service's token buckets, the quota counters and the RateLimit
/// headers. <see cref="Acquire"/> is the limiter's buckets and quota alone.
/// </summary>
/// <remarks>
/// A benchmark makes millions of calls a second, more than any bucket the registry allows refills (1,000,000 a
/// second, burst 10,000,000), and a refused call is another path. So the demo's population service and its eKYC grant
/// are copied <see cref="Copies"/> times at the registry's largest rate and burst, and each call takes the next copy:
/// the same work per call, spread over buckets that never run dry. A refusal fails the run instead of being measured.
/// </remarks>
[MemoryDiagnoser]
public class LimiterBenchmarks : IDisposable
{
    private const int Copies = 16;

    private static readonly RateLimit Largest = new() { PerSecond = 1_000_000, Burst = 10_000_000 };

    private RegistrySnapshotProvider _snapshots = null!;
    private ServiceConcurrency _concurrency = null!;
    private LocalCallLimiter _limiter = null!;
    private CallLimits _limits = null!;
    private DefaultHttpContext _context = null!;
    private GatewayCall[] _calls = null!;
    private LimitRequest[] _requests = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var demo = DemoRegistry.Read();
        var service = demo.Services.Single(s => s.Id == DemoRegistry.ServiceId);
        var grant = demo.Grants.Single(g => g.Id == DemoRegistry.GrantId);
        var copies = Enumerable.Range(0, Copies).Select(i => (
            Service: service with { Id = $"{service.Id}-{i}", PathPrefix = $"/population-{i}/v1", Capacity = service.Capacity! with { Rate = Largest } },
            Grant: grant with { Id = $"{grant.Id}-{i}", Service = $"{service.Id}-{i}", RateLimit = Largest })).ToList();
        _snapshots = DemoRegistry.Publish(demo with
        {
            Services = [.. demo.Services, .. copies.Select(c => c.Service)],
            Grants = [.. demo.Grants, .. copies.Select(c => c.Grant)],
        });

        var options = Options.Create(new LimitsOptions());
        _concurrency = new ServiceConcurrency(new LiveReplicas(options));
        _limiter = new LocalCallLimiter(new QuotaCounters(), new LiveReplicas(options));
        _limits = new CallLimits(_limiter, _concurrency, _snapshots, TimeProvider.System);
        _context = new DefaultHttpContext();
        _context.Request.Method = HttpMethods.Get;
        _calls = [.. copies.Select(c => { var call = DemoCall.Forwarded(); call.ServiceId = c.Service.Id; call.GrantId = c.Grant.Id; return call; })];
        _requests = [.. copies.Select(c => new LimitRequest(c.Grant, c.Grant.RateLimit, c.Service, TimeProvider.System.GetUtcNow()))];
    }

    [Benchmark]
    public async ValueTask<bool> Admit()
    {
        using var admission = await _limits.AdmitAsync(_context, _calls[Next()]);
        return admission.Admitted ? true : throw new InvalidOperationException("A call was refused: the buckets ran dry.");
    }

    [Benchmark]
    public async ValueTask<bool> Acquire()
    {
        var decision = await _limiter.AcquireAsync(_requests[Next()], CancellationToken.None);
        return decision.Admitted ? true : throw new InvalidOperationException("A call was refused: the buckets ran dry.");
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _limiter?.Dispose();
        _concurrency?.Dispose();
        _snapshots?.Dispose();
        GC.SuppressFinalize(this);
    }

    private int Next() => _next = (_next + 1) % Copies;
}
