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

    protected override async Task<IUsageStore> NewStoreAsync(string chain = "test-chain")
    {
        _dataSources.Add(NpgsqlDataSource.Create(await server.CreateDatabaseAsync()));
        return await AnotherReplicaAsync(chain);
    }

    protected override async Task<IUsageStore> AnotherReplicaAsync(string chain)
    {
        var store = new PostgresUsageStore(_dataSources[^1], chain, Clock);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var command = _dataSources[^1].CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
