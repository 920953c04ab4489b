using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Registry;

public sealed class SqliteRegistryStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-store-test-").FullName;

    [Fact]
    public async Task New_store_is_empty_at_revision_zero()
    {
        var store = await NewStoreAsync();

        Assert.True(await store.IsEmptyAsync(CancellationToken.None));
        var (document, revision) = await store.LoadAsync(CancellationToken.None);
        Assert.Equal(0, revision);
        Assert.Empty(document.Agencies);
    }

    [Fact]
    public async Task Registry_round_trips_and_each_replace_bumps_the_revision()
    {
        var store = await NewStoreAsync();
        var document = TestRegistry.Build("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3");

        Assert.Equal(1, await store.ReplaceAllAsync(document, CancellationToken.None));
        Assert.Equal(2, await store.ReplaceAllAsync(document, CancellationToken.None));

        var (loaded, revision) = await store.LoadAsync(CancellationToken.None);
        Assert.Equal(2, revision);
        Assert.Equal(document.Agencies.OrderBy(a => a.Code), loaded.Agencies.OrderBy(a => a.Code));
        Assert.Equal(document.Clients.Select(c => (c.Id, c.Agency, c.SecretHash, c.Status, string.Join(',', c.Roles))).Order(),
            loaded.Clients.Select(c => (c.Id, c.Agency, c.SecretHash, c.Status, string.Join(',', c.Roles))).Order());
        Assert.Equal(document.Services.Select(s => (s.Id, s.PathPrefix, s.TimeoutMs, s.PersonalData, s.Destinations[0])).Order(),
            loaded.Services.Select(s => (s.Id, s.PathPrefix, s.TimeoutMs, s.PersonalData, s.Destinations[0])).Order());
        Assert.Equal(document.Grants.Select(g => (g.Id, g.ConsumerAgency, g.ConsumerClient, string.Join(',', g.Purposes), g.DailyQuota)).Order(),
            loaded.Grants.Select(g => (g.Id, g.ConsumerAgency, g.ConsumerClient, string.Join(',', g.Purposes), g.DailyQuota)).Order());
    }

    [Fact]
    public async Task Initialize_is_idempotent_and_keeps_data()
    {
        var store = await NewStoreAsync();
        await store.ReplaceAllAsync(TestRegistry.Build("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"), CancellationToken.None);

        await store.InitializeAsync(CancellationToken.None);

        Assert.False(await store.IsEmptyAsync(CancellationToken.None));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<SqliteRegistryStore> NewStoreAsync()
    {
        var store = new SqliteRegistryStore(Path.Combine(_directory, $"{Guid.NewGuid():N}.db"), TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
