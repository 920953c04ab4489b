using Ndxp.Gateway.Audit;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>Test shortcuts for writing a whole registry through a store's commit.</summary>
internal static class RegistryStoreWrites
{
    public static readonly AuditActor TestActor = new("test", "NDXP", "127.0.0.1");

    /// <summary>Makes the store hold <paramref name="document"/>, validated, as the declarative apply does.</summary>
    public static async Task<long> ApplyAsync(this IRegistryStore store, RegistryDocument document) =>
        (await store.CommitAsync(stored => DeclarativeRegistry.Plan(stored.Document, document), TestActor, CancellationToken.None)).Revision;

    /// <summary>
    /// Writes <paramref name="document"/> without validating it: what a broken tool or a hand edit of the database could
    /// leave behind, which replicas must refuse to load.
    /// </summary>
    public static async Task<long> WriteUncheckedAsync(this IRegistryStore store, RegistryDocument document) =>
        (await store.CommitAsync(stored => RegistryDiff.Between(stored.Document, document), TestActor, CancellationToken.None)).Revision;
}
