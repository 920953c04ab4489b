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
            services.AddSingleton<IUsageStore>(sp => new PostgresUsageStore(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            services.AddSingleton<IUsageStore>(sp =>
                new SqliteUsageStore(StorageServiceCollectionExtensions.SqlitePath(sp), commandTimeout: TimeSpan.FromSeconds(5)));
        }
        services.AddSingleton<UsageWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageWriter>());
        return services;
    }
}
