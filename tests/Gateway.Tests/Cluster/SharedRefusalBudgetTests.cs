using System.Net;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>
/// Replicas sharing Redis spend one refusal budget per client: refusals through one replica exhaust it for the others,
/// where a budget kept per replica would let each of them record its own.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SharedRefusalBudgetTests(RedisServer redis, PostgresServer postgres) : IAsyncLifetime
{
    private const int Burst = 5;
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        _workspace = await GatewayWorkspace.CreateAsync();
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task Refusals_through_one_replica_spend_the_budget_of_the_client_on_the_other()
    {
        var database = await postgres.CreateDatabaseAsync();
        string[] settings =
        [
            $"--Identity:Issuer={SharedLimits.Issuer}", $"--Limits:Redis={redis.Configuration}", $"--Storage:PostgresConnectionString={database}",
            $"--Limits:RefusalBurst={Burst}", "--Limits:RefusalsPerSecond=0.05",
        ];
        var first = await _workspace.StartGatewayAsync(settings);
        var second = await _workspace.StartGatewayAsync(settings);
        var token = await first.Data.TokenAsync("hni-portal");

        for (var i = 0; i < Burst; i++)
        {
            using var refused = await first.Data.CallAsync(HttpMethod.Get, "/echo/x", token, "public-service");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // The second replica has refused nobody yet, but the budget is spent: its first refusal is the one too many.
        using (var beyond = await second.Data.CallAsync(HttpMethod.Get, "/echo/x", token, "public-service"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, beyond.StatusCode);
        }

        using var stopped = await second.Data.CallAsync(HttpMethod.Get, "/echo/x", token, "public-service");
        await ProblemAssert.IsProblemAsync(stopped, HttpStatusCode.TooManyRequests, "refusal-budget-exceeded");
    }
}
