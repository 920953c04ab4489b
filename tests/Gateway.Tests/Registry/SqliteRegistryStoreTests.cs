using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Tests.Registry;

public sealed class SqliteRegistryStoreTests : RegistryStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-store-test-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    protected override async Task<IRegistryStore> NewStoreAsync()
    {
        var store = new SqliteRegistryStore(Path.Combine(_directory, $"{Guid.NewGuid():N}.db"), TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
