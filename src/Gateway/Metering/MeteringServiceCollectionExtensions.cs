using Microsoft.Extensions.Options;
using Ndxp.Gateway.Hosting;
using Npgsql;

namespace Ndxp.Gateway.Metering;

public static class MeteringServiceCollectionExtensions
{
    /// <summary>Usage recorder, background writer with spool, and the usage store (embedded SQLite, or PostgreSQL when configured).</summary>
    public static IServiceCollection AddMetering(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MeteringOptions>().Bind(configuration.GetSection(MeteringOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UsageRecorder>();
        services.AddSingleton<CallMetering>();
        services.AddSingleton(sp => new UsageSpool(Path.Combine(
            sp.GetRequiredService<IOptions<GatewayHostOptions>>().Value.DataDirectory,
            sp.GetRequiredService<IOptions<MeteringOptions>>().Value.SpoolFile)));
        if (StorageServiceCollectionExtensions.UsesPostgres(configuration, out _))
        {
            services.AddSingleton(sp => new PostgresUsageStore(sp.GetRequiredService<NpgsqlDataSource>(), ChainOf(sp), sp.GetRequiredService<TimeProvider>()));
            AddStoreInterfaces<PostgresUsageStore>(services);
        }
        else
        {
            services.AddSingleton(sp => new SqliteUsageStore(
                StorageServiceCollectionExtensions.SqlitePath(sp), commandTimeout: TimeSpan.FromSeconds(5), ChainOf(sp), sp.GetRequiredService<TimeProvider>()));
            AddStoreInterfaces<SqliteUsageStore>(services);
        }

        services.AddSingleton<UsageWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageWriter>());
        services.AddHostedService<UsageRetention>();
        return services;
    }

    // The store writes call records, seals them and holds the trail: one instance behind each of its interfaces.
    private static void AddStoreInterfaces<TStore>(IServiceCollection services)
        where TStore : class, IUsageStore, ICallChainStore, Trail.ITrailStore
    {
        services.AddSingleton<IUsageStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ICallChainStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<Trail.ITrailStore>(sp => sp.GetRequiredService<TStore>());
    }

    private static string ChainOf(IServiceProvider services) =>
        services.GetRequiredService<IOptions<MeteringOptions>>().Value.ChainId
        ?? CallChain.DefaultChainId(services.GetRequiredService<IOptions<GatewayHostOptions>>().Value.DataPort);
}
