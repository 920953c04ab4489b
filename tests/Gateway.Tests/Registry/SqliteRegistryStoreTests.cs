using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Tests.Registry;

public sealed class SqliteRegistryStoreTests : RegistryStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-store-test-").FullName;
    private readonly Dictionary<IRegistryStore, string> _paths = [];

    protected override string DropAppendOnlyGuard => "DROP TRIGGER registry_audit_no_update; DROP TRIGGER registry_audit_no_delete;";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    protected override async Task<IRegistryStore> NewStoreAsync()
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.db");
        var store = new SqliteRegistryStore(path, TimeProvider.System);
        _paths.Add(store, path);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    protected override async Task ExecuteSqlAsync(IRegistryStore store, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_paths[store]}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
