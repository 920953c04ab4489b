using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Tests.Infrastructure;
using Npgsql;

namespace Ndxp.Gateway.Tests.Metering;

[Collection(PostgresCollection.Name)]
public sealed class PostgresUsageStoreTests(PostgresServer server) : UsageStoreContract, IDisposable
{
    private readonly List<NpgsqlDataSource> _dataSources = [];

    public void Dispose()
    {
        foreach (var dataSource in _dataSources)
        {
            dataSource.Dispose();
        }
    }

    protected override async Task<IUsageStore> NewStoreAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        _dataSources.Add(dataSource);
        var store = new PostgresUsageStore(dataSource);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
