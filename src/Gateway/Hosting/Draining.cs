using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace Ndxp.Gateway.Hosting;

/// <summary>
/// Graceful shutdown as Kubernetes needs it: on SIGTERM the replica first reports not ready (so the load balancer
/// stops sending it calls) and keeps serving for <see cref="GatewayHostOptions.ShutdownDelay"/>, asking every
/// connection that brings a call meanwhile to close after its answer (<c>Connection: close</c>, or GOAWAY on HTTP/2),
/// so clients holding keep-alive connections move to other replicas. Only then does the server stop taking calls and
/// give those in flight <see cref="GatewayHostOptions.DrainTimeout"/> to finish; the metering writer flushes last.
/// </summary>
internal sealed partial class Draining
{
    private volatile bool _draining;

    public bool IsDraining => _draining;

    /// <summary>The host's shutdown timeout covers the delay too: the stopping callbacks run inside it.</summary>
    public static void ConfigureShutdownTimeout(IServiceCollection services) =>
        services.AddOptions<HostOptions>().Configure<IOptions<GatewayHostOptions>>((host, gateway) =>
            host.ShutdownTimeout = gateway.Value.ShutdownDelay + gateway.Value.DrainTimeout);

    public static void Register(IServiceProvider services)
    {
        var draining = services.GetRequiredService<Draining>();
        var delay = services.GetRequiredService<IOptions<GatewayHostOptions>>().Value.ShutdownDelay;
        var logger = services.GetRequiredService<ILogger<Draining>>();
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
        {
            draining._draining = true;
            Log.Draining(logger, delay.TotalSeconds);
            // Blocking here is deliberate: stopping callbacks run before the server stops taking calls.
            Thread.Sleep(delay);
        });
    }

    /// <summary>Every request, first: one volatile read until shutdown begins.</summary>
    public Task CloseConnectionsWhileDraining(HttpContext context, RequestDelegate next)
    {
        if (_draining)
        {
            context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
        }

        return next(context);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Shutting down: not ready, still serving for {Seconds} s before draining")]
        public static partial void Draining(ILogger logger, double seconds);
    }
}
