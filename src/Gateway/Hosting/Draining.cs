using Microsoft.Extensions.Options;

namespace Ndxp.Gateway.Hosting;

/// <summary>
/// Graceful shutdown as Kubernetes needs it: on SIGTERM the replica first reports not ready (so the load balancer
/// stops sending it calls) and keeps serving for <see cref="GatewayHostOptions.ShutdownDelay"/>; only then does
/// the server stop taking calls and drain those in flight.
/// </summary>
internal sealed partial class Draining
{
    private volatile bool _draining;

    public bool IsDraining => _draining;

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

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Shutting down: not ready, still serving for {Seconds} s before draining")]
        public static partial void Draining(ILogger logger, double seconds);
    }
}
