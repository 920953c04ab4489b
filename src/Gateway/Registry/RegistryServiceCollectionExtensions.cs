using Microsoft.Extensions.Options;
using Ndxp.Gateway.Hosting;
using Yarp.ReverseProxy.Configuration;

namespace Ndxp.Gateway.Registry;

public static class RegistryServiceCollectionExtensions
{
    /// <summary>The registry store (embedded SQLite), its live snapshot, and YARP routes built from it.</summary>
    public static IServiceCollection AddRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RegistryOptions>().Bind(configuration.GetSection(RegistryOptions.SectionName));
        services.AddSingleton<RegistrySnapshotProvider>();
        services.AddSingleton<IRegistryStore>(sp =>
        {
            var host = sp.GetRequiredService<IOptions<GatewayHostOptions>>().Value;
            Directory.CreateDirectory(host.DataDirectory);
            return new SqliteRegistryStore(Path.Combine(host.DataDirectory, "gateway.db"), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<RegistryLoader>();
        services.AddSingleton<IProxyConfigProvider, RegistryProxyConfigProvider>();
        return services;
    }
}
