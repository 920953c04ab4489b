using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Ndxp.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>
/// A token already used (so held in each replica's validated-token cache) stops being a credential when its jti is
/// revoked, its client suspended or its operator role removed: at once on the replica that took the change, within
/// 2 s on a second replica sharing PostgreSQL.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CachedTokenRevocationTests(PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Citizen = "/population/v1/citizens/001099012345";
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(2);
    private GatewayWorkspace _workspace = null!;
    private TestGateway _a = null!;
    private TestGateway _b = null!;

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        var database = await postgres.CreateDatabaseAsync();
        // Replicas of one cluster share an issuer, signing keys (the workspace's data directory) and the store.
        string[] settings = [$"--Storage:PostgresConnectionString={database}", "--Identity:Issuer=https://gateway.test"];
        _a = await _workspace.StartGatewayAsync(settings);
        _b = await _workspace.StartGatewayAsync(settings);
        var operatorToken = new AuthenticationHeaderValue("Bearer", await _a.Data.TokenAsync("ops-console"));
        _a.Admin.DefaultRequestHeaders.Authorization = operatorToken;
        _b.Admin.DefaultRequestHeaders.Authorization = operatorToken;
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task A_revoked_jti_is_refused_on_both_replicas_though_both_had_cached_the_token()
    {
        var token = await _a.Data.TokenAsync("vcb-ekyc");
        var other = await _a.Data.TokenAsync("vcb-ekyc");
        await CallOnBothAsync(token, HttpStatusCode.OK);
        var jwt = new JsonWebToken(token);

        using var revoked = await _a.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/revocations",
            JsonSerializer.Serialize(new { jti = jwt.Id, expiresAt = jwt.ValidTo, reason = "reported stolen" }));
        Assert.Equal(HttpStatusCode.Created, revoked.StatusCode);

        using (var onA = await _a.Data.CallAsync(HttpMethod.Get, Citizen, token, "ekyc"))
        {
            await ProblemAssert.IsProblemAsync(onA, HttpStatusCode.Unauthorized, "token-revoked");
        }

        await RefusedWithinPropagationAsync(() => _b.Data.CallAsync(HttpMethod.Get, Citizen, token, "ekyc"), HttpStatusCode.Unauthorized, "token-revoked");
        await CallOnBothAsync(other, HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_client_suspended_through_one_replica_is_refused_on_both_though_both_had_cached_its_token()
    {
        var token = await _a.Data.TokenAsync("vcb-ekyc");
        await CallOnBothAsync(token, HttpStatusCode.OK);

        using var suspended = await _b.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients/vcb-ekyc/suspend");
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);

        using (var onB = await _b.Data.CallAsync(HttpMethod.Get, Citizen, token, "ekyc"))
        {
            await ProblemAssert.IsProblemAsync(onB, HttpStatusCode.Unauthorized, "client-suspended");
        }

        await RefusedWithinPropagationAsync(() => _a.Data.CallAsync(HttpMethod.Get, Citizen, token, "ekyc"), HttpStatusCode.Unauthorized, "client-suspended");
    }

    [Fact]
    public async Task An_operator_whose_role_is_removed_is_refused_on_both_admin_planes_though_both_had_cached_the_token()
    {
        var secret = await _a.Admin.CreateClientAsync("""{"id":"ops-deputy","agency":"NDXP","roles":["operator"]}""");
        var deputy = await _a.Data.TokenAsync("ops-deputy", secret);
        // The new client reaches B's registry by notification; from then on both replicas have its token cached.
        Assert.Equal(HttpStatusCode.OK, await Poll.UntilAsync(() => _b.Admin.AdminStatusAsync(deputy), s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.OK, await _a.Admin.AdminStatusAsync(deputy));

        using var demoted = await _a.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/clients/ops-deputy", """{"id":"ops-deputy","agency":"NDXP","roles":[]}""", "*");
        Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);

        using (var onA = await _a.Admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/grants", token: deputy))
        {
            await ProblemAssert.IsProblemAsync(onA, HttpStatusCode.Forbidden, "operator-role-required");
        }

        await RefusedWithinPropagationAsync(() => _b.Admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/grants", token: deputy), HttpStatusCode.Forbidden, "operator-role-required");
    }

    private async Task CallOnBothAsync(string token, HttpStatusCode expected)
    {
        foreach (var replica in new[] { _a, _b })
        {
            Assert.Equal(expected, await replica.Data.StatusOfAsync(Citizen, token, "ekyc"));
        }
    }

    // Polls the status only (every answer disposed), then reads the refusal once more for its problem type.
    private async Task RefusedWithinPropagationAsync(Func<Task<HttpResponseMessage>> call, HttpStatusCode status, string type)
    {
        async Task<HttpStatusCode> StatusAsync()
        {
            using var response = await call();
            return response.StatusCode;
        }

        var (reached, elapsed) = await Poll.TimedUntilAsync(StatusAsync, s => s == status, Propagation * 2);
        output.WriteLine($"refused on the other replica after {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(status, reached);
        Assert.True(elapsed < Propagation, $"the other replica took {elapsed.TotalMilliseconds:F0} ms");
        using var refused = await call();
        await ProblemAssert.IsProblemAsync(refused, status, type);
    }
}
