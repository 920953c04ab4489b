using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Registry;

/// <summary>What every registry store must do; run against SQLite and against a real PostgreSQL.</summary>
public abstract class RegistryStoreContract
{
    private static readonly RegistryDocument Document = TestRegistry.Build("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3");

    protected abstract Task<IRegistryStore> NewStoreAsync();

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

        Assert.Equal(1, await store.ReplaceAllAsync(Document, CancellationToken.None));
        Assert.Equal(2, await store.ReplaceAllAsync(Document, CancellationToken.None));

        var (loaded, revision) = await store.LoadAsync(CancellationToken.None);
        Assert.Equal(2, revision);
        Assert.Equal(Document.Agencies.OrderBy(a => a.Code).Select(a => (a.Code, a.Name, a.Status, a.DefaultRateLimit)), loaded.Agencies.OrderBy(a => a.Code).Select(a => (a.Code, a.Name, a.Status, a.DefaultRateLimit)));
        Assert.Equal(Document.Clients.Select(c => (c.Id, c.Agency, c.SecretHash, c.Status, string.Join(',', c.Roles))).Order(),
            loaded.Clients.Select(c => (c.Id, c.Agency, c.SecretHash, c.Status, string.Join(',', c.Roles))).Order());
        Assert.Equal(Document.Services.Select(s => (s.Id, s.PathPrefix, s.TimeoutMs, s.PersonalData, s.Destinations[0], s.Capacity?.MaxConcurrent)).Order(),
            loaded.Services.Select(s => (s.Id, s.PathPrefix, s.TimeoutMs, s.PersonalData, s.Destinations[0], s.Capacity?.MaxConcurrent)).Order());
        Assert.Equal(Document.Grants.Select(g => (g.Id, g.ConsumerAgency, g.ConsumerClient, string.Join(',', g.Purposes), g.DailyQuota, g.RateLimit)).Order(),
            loaded.Grants.Select(g => (g.Id, g.ConsumerAgency, g.ConsumerClient, string.Join(',', g.Purposes), g.DailyQuota, g.RateLimit)).Order());
        Assert.Empty(RegistryValidator.Validate(loaded));
    }

    [Fact]
    public async Task Initialize_is_idempotent_and_keeps_data()
    {
        var store = await NewStoreAsync();
        await store.ReplaceAllAsync(Document, CancellationToken.None);

        await store.InitializeAsync(CancellationToken.None);

        Assert.False(await store.IsEmptyAsync(CancellationToken.None));
    }
}
