using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Hosting;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (store reachable, registry loaded) on the admin plane.</summary>
internal static class ReadinessChecks
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddGatewayHealthChecks(this IServiceCollection services)
    {
        services.AddSingleton<Draining>();
        services.AddHealthChecks()
            .AddCheck<RegistryLoadedCheck>("registry", tags: [ReadyTag])
            .AddCheck<RegistryStoreCheck>("store", tags: [ReadyTag])
            .AddCheck<RedisCheck>("redis", tags: [ReadyTag])
            .AddCheck<DrainingCheck>("draining", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).OnAdminPlane();
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).OnAdminPlane();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }

    /// <summary>
    /// Redis, when configured: Degraded (still ready, HTTP 200) while the replica does without it (limits, lock-outs and
    /// refusal budgets kept locally). Failing readiness
    /// would take every replica out of the load balancer at once when Redis goes down, which is the outage that the
    /// local fallback exists to avoid.
    /// </summary>
    private sealed class RedisCheck(IServiceProvider services) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(services.GetService<Limits.SharedRedis>() switch
            {
                null => HealthCheckResult.Healthy("not configured"),
                { InFallback: true } => HealthCheckResult.Degraded("unreachable: limits, lock-outs and refusal budgets kept locally"),
                _ => HealthCheckResult.Healthy(),
            });
    }

    private sealed class DrainingCheck(Draining draining) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(draining.IsDraining ? HealthCheckResult.Unhealthy("shutting down") : HealthCheckResult.Healthy());
    }

    private sealed class RegistryLoadedCheck(RegistrySnapshotProvider snapshots) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(snapshots.IsLoaded
                ? HealthCheckResult.Healthy($"revision {snapshots.Current.Revision}")
                : HealthCheckResult.Unhealthy("registry not loaded"));
    }

    private sealed class RegistryStoreCheck(IRegistryStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await store.IsEmptyAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("store unreachable: " + ex.GetType().Name);
            }
        }
    }
}
