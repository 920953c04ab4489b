using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Access;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Benchmarks;

/// <summary>
/// Step 4 of a service call: whether it may. <see cref="Decide"/> is the whole step as the middleware runs it (route
/// metadata, refusal budget, service status, method, purpose header, then the grants); <see cref="Evaluate"/> is the
/// grant evaluation alone, on the demo's population service, which holds four agencies' grants.
/// </summary>
[MemoryDiagnoser]
public class GrantDecisionBenchmarks : IDisposable
{
    private RegistrySnapshotProvider _snapshots = null!;
    private RefusalBudget _refusals = null!;
    private AccessDecision _access = null!;
    private DefaultHttpContext _context = null!;
    private GatewayCall _call = null!;
    private AuthenticatedCaller _caller;
    private ServiceEntry _service = null!;

    [GlobalSetup]
    public void Setup()
    {
        _snapshots = DemoRegistry.Publish(DemoRegistry.Read());
        var limits = Options.Create(new LimitsOptions());
        _refusals = new RefusalBudget(limits, TimeProvider.System, new LiveReplicas(limits));
        _access = new AccessDecision(TimeProvider.System, _refusals);
        _service = _snapshots.Current.Services[DemoRegistry.ServiceId];
        _caller = new AuthenticatedCaller(true, new Caller(DemoRegistry.Agency, DemoRegistry.ClientId, Guid.NewGuid().ToString("N")));
        _call = DemoCall.Forwarded();

        _context = new DefaultHttpContext();
        _context.Request.Method = HttpMethods.Get;
        _context.Request.Path = "/population/v1/citizens/001099012345";
        _context.Request.Headers[AccessDecision.PurposeHeader] = DemoRegistry.Purpose;

        if ((Decide() ?? Evaluate()) is { } refusal)
        {
            throw new InvalidOperationException($"The demo call was refused: {refusal}.");
        }
    }

    [Benchmark]
    public ProblemKind? Decide() => _access.Decide(_context, _call, _caller, _snapshots.Current, _service);

    [Benchmark]
    public ProblemKind? Evaluate() =>
        GrantEvaluator.Evaluate(_snapshots.Current, _service, _caller.Caller!.Value, HttpMethods.Get, DemoRegistry.Purpose, TimeProvider.System.GetUtcNow(), out _);

    [GlobalCleanup]
    public void Dispose()
    {
        _refusals?.Dispose();
        _snapshots?.Dispose();
        GC.SuppressFinalize(this);
    }
}
