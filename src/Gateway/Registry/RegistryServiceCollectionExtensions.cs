using Ndxp.Gateway.Forwarding;
using Ndxp.Gateway.Hosting;
using Npgsql;
using Yarp.ReverseProxy.Configuration;

namespace Ndxp.Gateway.Registry;

public static class RegistryServiceCollectionExtensions
{
    /// <summary>The registry store (embedded SQLite, or PostgreSQL when configured), its live snapshot, and YARP routes built from it.</summary>
    public static IServiceCollection AddRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RegistryOptions>().Bind(configuration.GetSection(RegistryOptions.SectionName));
        services.AddSingleton<RegistrySnapshotProvider>();
        if (StorageServiceCollectionExtensions.UsesPostgres(configuration, out _))
        {
            services.AddSingleton<IRegistryStore>(sp => new PostgresRegistryStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
            if (configuration.GetSection(RegistryOptions.SectionName).Get<RegistryOptions>()?.ListenForChanges ?? true)
            {
                services.AddHostedService<PostgresRegistryNotifications>();
            }
        }
        else
        {
            services.AddSingleton<IRegistryStore>(sp =>
                new SqliteRegistryStore(StorageServiceCollectionExtensions.SqlitePath(sp), sp.GetRequiredService<TimeProvider>()));
        }
        services.AddSingleton<RegistryLoader>();
        services.AddSingleton<RegistryReloader>();
        services.AddHostedService(sp => sp.GetRequiredService<RegistryReloader>());
        services.AddOptions<ForwardingOptions>().Bind(configuration.GetSection(ForwardingOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IProxyConfigProvider, RegistryProxyConfigProvider>();
        return services;
    }
}
