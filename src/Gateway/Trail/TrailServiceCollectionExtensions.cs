using Microsoft.Extensions.Options;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Trail;

public static class TrailServiceCollectionExtensions
{
    /// <summary>The trail's settings and its pseudonym keys (loaded, or in embedded mode created, at start).</summary>
    public static IServiceCollection AddTrail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TrailOptions>().Bind(configuration.GetSection(TrailOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TrailOptions>>().Value;
            return PseudonymKeyRing.Load(
                Path.Combine(sp.GetRequiredService<IOptions<GatewayHostOptions>>().Value.DataDirectory, options.KeysDirectory),
                options.ActiveKeyVersion,
                options.GenerateKeyIfMissing,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<PseudonymKeyRing>());
        });
        return services;
    }
}
