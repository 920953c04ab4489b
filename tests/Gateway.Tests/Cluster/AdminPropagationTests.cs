using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>Two gateway processes sharing PostgreSQL: an admin change made on one is in effect on the other within 2 s.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AdminPropagationTests(PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const string EnterpriseCall = "/enterprise/v1/enterprises/0109999001";
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task Changes_through_either_replica_reach_the_other_by_notification_and_share_etags_and_one_audit_trail()
    {
        var database = await postgres.CreateDatabaseAsync();
        // The poll is slowed to a minute: what arrives within 2 s arrived by notification.
        string[] settings = [$"--Storage:PostgresConnectionString={database}", "--Identity:Issuer=https://gateway.test", "--Registry:ReloadInterval=00:01:00"];
        var a = await _workspace.StartProcessAsync(settings);
        var b = await _workspace.StartProcessAsync(settings);
        var (dataA, dataB) = (a.Data, b.Data);
        var (adminA, adminB) = (a.Admin, b.Admin);
        adminA.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await dataA.TokenAsync("ops-console"));
        adminB.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await dataB.TokenAsync("ops-console"));
        var viettel = await dataB.TokenAsync("viettel-sim");

        using var created = await adminA.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants", """{"id":"viettel-enterprise","consumerAgency":"VIETTEL","service":"enterprise"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var granted = await TimeUntilAsync(dataB, viettel, HttpStatusCode.OK);
        output.WriteLine($"grant created on A, in effect on B after {granted.TotalMilliseconds:F0} ms");
        Assert.True(granted < TimeSpan.FromSeconds(2), $"took {granted}");

        // The ETag from A is the version B sees: B's write with it succeeds, A's next write with it is stale.
        using var fromB = await adminB.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/viettel-enterprise",
            """{"id":"viettel-enterprise","consumerAgency":"VIETTEL","service":"enterprise","dailyQuota":100}""", created.ETag());
        Assert.Equal(HttpStatusCode.OK, fromB.StatusCode);
        using var staleOnA = await adminA.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/viettel-enterprise",
            """{"id":"viettel-enterprise","consumerAgency":"VIETTEL","service":"enterprise"}""", created.ETag());
        await ProblemAssert.IsProblemAsync(staleOnA, HttpStatusCode.PreconditionFailed, "precondition-failed");

        using var deleted = await adminB.SendJsonAsync(HttpMethod.Delete, "/admin/v1/grants/viettel-enterprise", ifMatch: fromB.ETag());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var revoked = await TimeUntilAsync(dataA, await dataA.TokenAsync("viettel-sim"), HttpStatusCode.Forbidden);
        output.WriteLine($"grant deleted on B, revoked on A after {revoked.TotalMilliseconds:F0} ms");
        Assert.True(revoked < TimeSpan.FromSeconds(2), $"took {revoked}");

        // One trail, whichever replica wrote it, and it verifies from either.
        using var audit = JsonDocument.Parse(await adminA.GetStringAsync("/admin/v1/audit?kind=grant&id=viettel-enterprise"));
        Assert.Equal(["create", "update", "delete"], audit.RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        using var verify = JsonDocument.Parse(await adminB.GetStringAsync("/admin/v1/audit/verify"));
        Assert.True(verify.RootElement.GetProperty("valid").GetBoolean());
    }

    private static async Task<TimeSpan> TimeUntilAsync(HttpClient data, string token, HttpStatusCode expected)
    {
        var (status, elapsed) = await Poll.TimedUntilAsync(() => data.StatusOfAsync(EnterpriseCall, token), s => s == expected, TimeSpan.FromSeconds(10));
        Assert.Equal(expected, status);
        return elapsed;
    }
}
