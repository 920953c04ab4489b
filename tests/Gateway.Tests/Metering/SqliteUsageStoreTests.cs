using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Metering;

namespace Ndxp.Gateway.Tests.Metering;

public sealed class SqliteUsageStoreTests : UsageStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-usage-test-").FullName;
    private string _path = "";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    protected override Task<IUsageStore> NewStoreAsync(string chain = "test-chain")
    {
        _path = Path.Combine(_directory, $"{Guid.NewGuid():N}.db");
        return AnotherReplicaAsync(chain);
    }

    protected override async Task<IUsageStore> AnotherReplicaAsync(string chain)
    {
        var store = new SqliteUsageStore(_path, TimeSpan.FromSeconds(5), chain, Clock);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
