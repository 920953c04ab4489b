using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;
using Npgsql;

namespace Ndxp.Gateway.Tests.Registry;

[Collection(PostgresCollection.Name)]
public sealed class PostgresRegistryStoreTests(PostgresServer server) : RegistryStoreContract, IDisposable
{
    private readonly List<NpgsqlDataSource> _dataSources = [];

    public void Dispose()
    {
        foreach (var dataSource in _dataSources)
        {
            dataSource.Dispose();
        }
    }

    protected override async Task<IRegistryStore> NewStoreAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        _dataSources.Add(dataSource);
        var store = new PostgresRegistryStore(dataSource);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
