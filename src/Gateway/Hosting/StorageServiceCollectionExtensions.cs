using Microsoft.Extensions.Options;
using Npgsql;

namespace Ndxp.Gateway.Hosting;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Storage settings, and the PostgreSQL data source shared by the stores when a connection string is set.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        if (UsesPostgres(configuration, out var connectionString))
        {
            services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        }

        return services;
    }

    /// <summary>The embedded SQLite file both stores share, its folder created if missing.</summary>
    public static string SqlitePath(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var path = services.GetRequiredService<IOptions<StorageOptions>>().Value
            .ResolveSqlitePath(services.GetRequiredService<IOptions<GatewayHostOptions>>().Value);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return path;
    }

    /// <summary>True when the cluster stores (PostgreSQL) are configured instead of the embedded SQLite file.</summary>
    public static bool UsesPostgres(IConfiguration configuration, out string connectionString)
    {
        connectionString = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>()?.PostgresConnectionString ?? "";
        return connectionString.Length > 0;
    }
}
