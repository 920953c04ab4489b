using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Observability;

/// <summary>
/// Readiness follows the registry store: a replica whose database is down says so, and is ready again once it is back.
/// The PostgreSQL server is the collection's: its tests run one at a time, and this one restarts it whatever happens.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StoreReadinessTests(PostgresServer server) : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task Readiness_is_503_naming_the_store_while_its_database_is_down_and_200_once_it_is_back()
    {
        var gateway = await _workspace.StartGatewayAsync($"--Storage:PostgresConnectionString={await server.CreateDatabaseAsync()}");
        async Task<(HttpStatusCode Status, string Body)> ReadinessAsync()
        {
            using var response = await gateway.Admin.GetAsync("/readyz");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.OK, (await ReadinessAsync()).Status);

        await server.StopAsync();
        (HttpStatusCode Status, string Body) down;
        try
        {
            down = await Poll.UntilAsync(ReadinessAsync, r => r.Status == HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await server.StartAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal("Unhealthy", CheckStatus(down.Body, "store"));
        Assert.Equal("Healthy", CheckStatus(down.Body, "registry"));

        var back = await Poll.UntilAsync(ReadinessAsync, r => r.Status == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, back.Status);
        Assert.Equal("Healthy", CheckStatus(back.Body, "store"));
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    private static string? CheckStatus(string body, string check)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("checks").GetProperty(check).GetProperty("status").GetString();
    }
}
