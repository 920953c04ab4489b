using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Access;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

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
        _refusals = new RefusalBudget(Options.Create(new LimitsOptions()), TimeProvider.System);
        _access = new AccessDecision(_snapshots, TimeProvider.System, _refusals);
        _service = _snapshots.Current.Services[DemoRegistry.ServiceId];
        _caller = new AuthenticatedCaller(true, new Caller(DemoRegistry.Agency, DemoRegistry.ClientId, Guid.NewGuid().ToString("N")));
        _call = DemoCall.Forwarded();

        // What YARP's routing leaves on the request: the route the registry's proxy config made for the service.
        var route = new RouteConfig
        {
            RouteId = DemoRegistry.ServiceId,
            ClusterId = DemoRegistry.ServiceId,
            Match = new RouteMatch { Path = "/population/v1/{**rest}" },
            Metadata = new Dictionary<string, string> { [RegistryProxyConfigProvider.ServiceIdMetadataKey] = DemoRegistry.ServiceId },
        };
        _context = new DefaultHttpContext();
        _context.Request.Method = HttpMethods.Get;
        _context.Request.Path = "/population/v1/citizens/001099012345";
        _context.Request.Headers[AccessDecision.PurposeHeader] = DemoRegistry.Purpose;
        _context.Features.Set<IReverseProxyFeature>(new ReverseProxyFeature
        {
            Route = new RouteModel(route, new ClusterState(DemoRegistry.ServiceId), HttpTransformer.Default),
        });

        if ((Decide() ?? Evaluate()) is { } refusal)
        {
            throw new InvalidOperationException($"The demo call was refused: {refusal}.");
        }
    }

    [Benchmark]
    public ProblemKind? Decide() => _access.Decide(_context, _call, _caller);

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
