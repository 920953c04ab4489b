using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;
using Npgsql;

namespace Ndxp.Gateway.Tests.Registry;

[Collection(PostgresCollection.Name)]
public sealed class PostgresRegistryStoreTests(PostgresServer server) : RegistryStoreContract, IDisposable
{
    private readonly Dictionary<IRegistryStore, NpgsqlDataSource> _dataSources = [];

    protected override string DropAppendOnlyGuard => "DROP TRIGGER registry_audit_append_only ON registry_audit";

    public void Dispose()
    {
        foreach (var dataSource in _dataSources.Values)
        {
            dataSource.Dispose();
        }
    }

    protected override async Task<IRegistryStore> NewStoreAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        var store = new PostgresRegistryStore(dataSource, TimeProvider.System);
        _dataSources.Add(store, dataSource);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    protected override async Task ExecuteSqlAsync(IRegistryStore store, string sql)
    {
        await using var command = _dataSources[store].CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
