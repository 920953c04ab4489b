using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Registry;

public sealed class RegistryStartupTests : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task Invalid_seed_stops_start_up_naming_every_bad_entry_and_the_file()
    {
        var valid = _workspace.Registry;
        var invalid = valid with
        {
            Grants = [.. valid.Grants, new Grant { Id = "bad-grant", ConsumerAgency = "NOPE", Service = "population", Purposes = ["x"] }],
            Services = [.. valid.Services, new Service { Id = "bad-url", Provider = "BCA", PathPrefix = "/bad", Destinations = ["nowhere"] }],
        };
        var seed = await _workspace.WriteSeedAsync(invalid);

        var error = await Assert.ThrowsAsync<RegistryValidationException>(() => CreateAsync(seed));

        Assert.Contains("grant 'bad-grant': unknown consumer agency 'NOPE'", error.Message, StringComparison.Ordinal);
        Assert.Contains("service 'bad-url': destination 'nowhere'", error.Message, StringComparison.Ordinal);
        Assert.Contains(seed, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_with_a_misspelt_field_stops_start_up()
    {
        var seed = Path.Combine(_workspace.Directory, "typo.json");
        await File.WriteAllTextAsync(seed, """{ "agencies": [ { "code": "BCA", "name": "x", "stauts": "active" } ] }""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => CreateAsync(seed));

        Assert.Contains("stauts", error.Message, StringComparison.Ordinal);
        Assert.Contains(seed, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_is_imported_only_into_an_empty_store()
    {
        var first = _workspace.Registry;
        var app = await CreateAsync(await _workspace.WriteSeedAsync(first));
        Assert.Equal(1, app.Services.GetRequiredService<RegistrySnapshotProvider>().Current.Revision);

        // A later start with another seed keeps what the store holds: operators' changes are not overwritten.
        var second = first with { Agencies = [.. first.Agencies, new Agency { Code = "NEW", Name = "new" }] };
        var restarted = await CreateAsync(await _workspace.WriteSeedAsync(second));
        var snapshot = restarted.Services.GetRequiredService<RegistrySnapshotProvider>().Current;
        Assert.Equal(1, snapshot.Revision);
        Assert.False(snapshot.Agencies.ContainsKey("NEW"));
    }

    [Fact]
    public async Task Missing_signing_key_stops_start_up_when_generation_is_off()
    {
        var seed = await _workspace.WriteSeedAsync(_workspace.Registry);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CreateAsync(seed, "--Identity:GenerateSigningKeyIfMissing=false"));

        Assert.Contains("No signing key", error.Message, StringComparison.Ordinal);
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    private Task<TestGateway> CreateAsync(string seed, params string[] settings) => _workspace.StartSeededGatewayAsync(seed, settings);
}
