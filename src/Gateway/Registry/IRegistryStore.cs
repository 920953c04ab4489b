namespace Ndxp.Gateway.Registry;

/// <summary>Where the registry is kept: the embedded SQLite file by default, PostgreSQL in a cluster.</summary>
public interface IRegistryStore
{
    /// <summary>Creates the schema if it is missing; safe to call on every start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<bool> IsEmptyAsync(CancellationToken cancellationToken);

    /// <summary>The revision of the stored registry: a cheap check for changes.</summary>
    Task<long> GetRevisionAsync(CancellationToken cancellationToken);

    /// <summary>Reads the whole registry and its revision in one consistent read.</summary>
    Task<(RegistryDocument Document, long Revision)> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the whole registry in one transaction and returns the new revision.</summary>
    Task<long> ReplaceAllAsync(RegistryDocument document, CancellationToken cancellationToken);
}
