using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Metering;

namespace Ndxp.Gateway.Tests.Metering;

public sealed class SqliteUsageStoreTests : UsageStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-usage-test-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    protected override async Task<IUsageStore> NewStoreAsync()
    {
        var store = new SqliteUsageStore(Path.Combine(_directory, $"{Guid.NewGuid():N}.db"), TimeSpan.FromSeconds(5));
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
