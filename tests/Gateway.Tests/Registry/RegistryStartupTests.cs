using System.Text.Json;
using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Registry;

public sealed class RegistryStartupTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-startup-test-").FullName;

    [Fact]
    public async Task Invalid_seed_stops_start_up_naming_every_bad_entry_and_the_file()
    {
        var valid = TestRegistry.Build("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3");
        var invalid = valid with
        {
            Grants = [.. valid.Grants, new Grant { Id = "bad-grant", ConsumerAgency = "NOPE", Service = "population", Purposes = ["x"] }],
            Services = [.. valid.Services, new Service { Id = "bad-url", Provider = "BCA", PathPrefix = "/bad", Destinations = ["nowhere"] }],
        };
        var seed = await WriteSeedAsync(invalid);

        var error = await Assert.ThrowsAsync<RegistryValidationException>(() => CreateAsync(seed));

        Assert.Contains("grant 'bad-grant': unknown consumer agency 'NOPE'", error.Message, StringComparison.Ordinal);
        Assert.Contains("service 'bad-url': destination 'nowhere'", error.Message, StringComparison.Ordinal);
        Assert.Contains(seed, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_with_a_misspelt_field_stops_start_up()
    {
        var seed = Path.Combine(_directory, "typo.json");
        await File.WriteAllTextAsync(seed, """{ "agencies": [ { "code": "BCA", "name": "x", "stauts": "active" } ] }""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => CreateAsync(seed));

        Assert.Contains("stauts", error.Message, StringComparison.Ordinal);
        Assert.Contains(seed, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_is_imported_only_into_an_empty_store()
    {
        var first = TestRegistry.Build("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3");
        await using (var app = await CreateAsync(await WriteSeedAsync(first)))
        {
            Assert.Equal(1, app.Services.GetRequiredService<RegistrySnapshotProvider>().Current.Revision);
        }

        // A later start with another seed keeps what the store holds: operators' changes are not overwritten.
        var second = first with { Agencies = [.. first.Agencies, new Agency { Code = "NEW", Name = "new" }] };
        await using var restarted = await CreateAsync(await WriteSeedAsync(second));
        var snapshot = restarted.Services.GetRequiredService<RegistrySnapshotProvider>().Current;
        Assert.Equal(1, snapshot.Revision);
        Assert.False(snapshot.Agencies.ContainsKey("NEW"));
    }

    [Fact]
    public async Task Missing_signing_key_stops_start_up_when_generation_is_off()
    {
        var seed = await WriteSeedAsync(TestRegistry.Build("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CreateAsync(seed, "--Identity:GenerateSigningKeyIfMissing=false"));

        Assert.Contains("No signing key", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<WebApplication> CreateAsync(string seed, params string[] extra) =>
        GatewayApplication.CreateAsync([.. GatewayFixture.GatewayArgs(FreePort.Next(), FreePort.Next(), Path.Combine(_directory, "data"), seed), .. extra]);

    private async Task<string> WriteSeedAsync(RegistryDocument document)
    {
        var path = Path.Combine(_directory, $"seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, RegistryJson.Options));
        return path;
    }
}
