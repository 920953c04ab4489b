namespace Ndxp.Gateway.Hosting;

/// <summary>Where the gateway keeps its state. Bound from the <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The embedded SQLite file. Default: <c>gateway.db</c> in <see cref="GatewayHostOptions.DataDirectory"/>.</summary>
    public string? SqlitePath { get; set; }

    /// <summary>
    /// A PostgreSQL connection string (Npgsql format). When set, metering is stored in PostgreSQL, shared by all
    /// replicas, instead of the embedded SQLite file.
    /// </summary>
    public string? PostgresConnectionString { get; set; }

    public string ResolveSqlitePath(GatewayHostOptions host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return SqlitePath ?? Path.Combine(host.DataDirectory, "gateway.db");
    }
}
