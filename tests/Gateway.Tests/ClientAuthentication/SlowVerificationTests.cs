using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Ndxp.Gateway.ClientAuthentication;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.ClientAuthentication;

/// <summary>
/// Slow (PBKDF2) verifications of people's secrets are rationed: one runs at a time here, one more waits, and a third
/// caller is told at once to come back (503, Retry-After) while data calls and fast-hash clients go on undisturbed.
/// </summary>
public sealed class SlowVerificationTests : IAsyncLifetime
{
    // Millions of iterations, so that one derivation lasts seconds: long enough to look at the gateway during it.
    private static string VerySlowHash() =>
        $"pbkdf2-sha256$4000000${Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))}${Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}";

    private static readonly string[] SlowClients = ["slow-a", "slow-b", "slow-c"];
    private GatewayWorkspace _workspace = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        var registry = _workspace.Registry;
        registry = registry with
        {
            Clients = [.. registry.Clients, .. SlowClients.Select(id => new Client { Id = id, Agency = "VCB", SecretHash = VerySlowHash() })],
        };
        _gateway = await _workspace.StartGatewayAsync(registry,
            "--Identity:ClientAuthentication:SlowVerificationsAtOnce=1", "--Identity:ClientAuthentication:SlowVerificationsQueued=1");
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task Beyond_the_running_and_queued_slow_verifications_a_caller_gets_503_at_once_while_calls_go_on()
    {
        var verifier = _gateway.Services.GetRequiredService<ClientSecretVerifier>();
        var token = await _gateway.Data.TokenAsync("vcb-ekyc");
        var derivations = verifier.SlowDerivations;

        var running = _gateway.Data.TokenResponseAsync("slow-a", "a-guess");
        await Poll.UntilAsync(() => verifier.SlowVerificationStatistics?.CurrentAvailablePermits == 0, "the first slow verification running");
        var queued = _gateway.Data.TokenResponseAsync("slow-b", "a-guess");
        await Poll.UntilAsync(() => verifier.SlowVerificationStatistics?.CurrentQueuedCount == 1, "the second one queued");

        using (var refused = await _gateway.Data.TokenResponseAsync("slow-c", "a-guess"))
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode}: {body}");
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            Assert.Equal("temporarily_unavailable", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        }

        // Meanwhile a data call and a client whose slow hash verified before are answered, before the derivation ends.
        using (var call = await _gateway.Data.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "ekyc"))
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await _gateway.Data.TokenResponseAsync("vcb-ekyc", TestRegistry.Secret)).StatusCode);
        Assert.False(running.IsCompleted, "the slow verification ended before the checks made during it: make it slower");

        using var first = await running;
        using var second = await queued;
        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        // The refused one was never derived.
        Assert.Equal(derivations + 2, verifier.SlowDerivations);
    }

    [Fact]
    public async Task An_unknown_client_and_a_remembered_slow_hash_cost_no_derivation()
    {
        var verifier = _gateway.Services.GetRequiredService<ClientSecretVerifier>();
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Data.TokenResponseAsync("viettel-sim", TestRegistry.Secret)).StatusCode);
        var derivations = verifier.SlowDerivations;

        await TokenRefusal.AssertInvalidClientAsync(_gateway.Data, $"no-such-client-{Guid.NewGuid():N}", "a-guess");
        await TokenRefusal.AssertInvalidClientAsync(_gateway.Data, "viettel-sim", "a-guess");
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Data.TokenResponseAsync("viettel-sim", TestRegistry.Secret)).StatusCode);

        Assert.Equal(derivations, verifier.SlowDerivations);
    }

    [Fact]
    public async Task A_remembered_slow_hash_stays_remembered_across_registry_changes()
    {
        var verifier = _gateway.Services.GetRequiredService<ClientSecretVerifier>();
        var snapshots = _gateway.Services.GetRequiredService<RegistrySnapshotProvider>();
        var operatorToken = await _gateway.Data.TokenAsync("ops-console");
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Data.TokenResponseAsync("viettel-sim", TestRegistry.Secret)).StatusCode);
        var derivations = verifier.SlowDerivations;
        var revision = snapshots.Current.Revision;

        // A change elsewhere in the registry: the replica builds a new snapshot, with the clients read anew.
        using (var change = await _gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/agencies", """{"code":"SLOWTEST","name":"An agency added meanwhile"}""", token: operatorToken))
        {
            Assert.Equal(HttpStatusCode.Created, change.StatusCode);
        }

        await Poll.UntilAsync(() => snapshots.Current.Revision > revision, "the change in the snapshot");
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Data.TokenResponseAsync("viettel-sim", TestRegistry.Secret)).StatusCode);
        await TokenRefusal.AssertInvalidClientAsync(_gateway.Data, "viettel-sim", "a-guess");
        Assert.Equal(derivations, verifier.SlowDerivations);
    }
}
