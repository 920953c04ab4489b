namespace Ndxp.Gateway.Registry;

/// <summary>Where the registry comes from. Bound from the <c>Registry</c> section.</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>
    /// A declarative registry file imported into the store when the store is empty (first start). Relative paths
    /// are resolved against the application's directory. Null: no seeding.
    /// </summary>
    public string? SeedFile { get; set; }

    /// <summary>How often the store is checked for a registry changed by another replica (or an operator tool).</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// With PostgreSQL, listen for change notifications so replicas reload at once. Turn off where LISTEN is not
    /// available (a PgBouncer in transaction pooling mode); replicas then follow by polling alone.
    /// </summary>
    public bool ListenForChanges { get; set; } = true;
}
