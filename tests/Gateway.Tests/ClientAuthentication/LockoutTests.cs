using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Ndxp.Gateway.ClientAuthentication;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.ClientAuthentication;

/// <summary>
/// Failed client authentications counted per client id and per source address (other loopback addresses stand for
/// other machines): past the threshold, attempts are refused with 429 before any secret is checked, for a lock-out
/// that doubles each time; the gateway's clock is a test clock, so the lock-outs end when the test says.
/// </summary>
public sealed class LockoutTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 15, 12, 0, 0, TimeSpan.Zero));
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    // In the workspace's folder, which goes with it.
    private string Log => Path.Combine(_workspace.Directory, "gateway.log");

    [Fact]
    public async Task Failures_for_one_client_from_anywhere_lock_it_out_unchecked_until_the_lockout_ends_and_each_lockout_lasts_twice_as_long()
    {
        var gateway = await StartAsync(perClient: 3, perAddress: 1000);
        var verifier = gateway.Services.GetRequiredService<ClientSecretVerifier>();
        using var first = SourceAddressClient.Create(gateway.DataPort, "127.0.0.2");
        using var second = SourceAddressClient.Create(gateway.DataPort, "127.0.0.3");
        using var third = SourceAddressClient.Create(gateway.DataPort, "127.0.0.4");

        // One failure from each of three addresses: the count is the client's, wherever the attempts come from.
        foreach (var attacker in new[] { first, second, third })
        {
            await TokenRefusal.AssertInvalidClientAsync(attacker, "vcb-ekyc", "guess");
        }

        var derivations = verifier.SlowDerivations;
        await AssertLockedOutAsync(first, "vcb-ekyc", retryAfterSeconds: 60, "for this client");
        using var elsewhere = SourceAddressClient.Create(gateway.DataPort, "127.0.0.5");
        await AssertLockedOutAsync(elsewhere, "vcb-ekyc", retryAfterSeconds: 60, "for this client");
        Assert.Equal(derivations, verifier.SlowDerivations);
        // Other clients are not held.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(elsewhere, "viettel-sim"));

        _clock.Advance(TimeSpan.FromSeconds(59));
        await AssertLockedOutAsync(elsewhere, "vcb-ekyc", retryAfterSeconds: 1, "for this client");
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(first, "vcb-ekyc"));

        // The next lock-out within a day lasts twice as long, the one after that is capped at the maximum (3 min).
        await FailAsync(second, "vcb-ekyc", 3);
        using var fresh = SourceAddressClient.Create(gateway.DataPort, "127.0.0.6");
        await AssertLockedOutAsync(fresh, "vcb-ekyc", retryAfterSeconds: 120, "for this client");
        _clock.Advance(TimeSpan.FromSeconds(120));
        await FailAsync(second, "vcb-ekyc", 3);
        await AssertLockedOutAsync(fresh, "vcb-ekyc", retryAfterSeconds: 180, "for this client");
        _clock.Advance(TimeSpan.FromSeconds(180));

        // A day without failures: the back-off starts again from the first lock-out.
        _clock.Advance(TimeSpan.FromDays(1));
        await FailAsync(second, "vcb-ekyc", 3);
        await AssertLockedOutAsync(fresh, "vcb-ekyc", retryAfterSeconds: 60, "for this client");
    }

    [Fact]
    public async Task An_address_that_keeps_failing_is_locked_out_whatever_client_it_names_before_its_body_is_read_and_other_addresses_are_not()
    {
        var gateway = await StartAsync(perClient: 1000, perAddress: 3, TestGateway.LogToFile(Log));
        using var attacker = SourceAddressClient.Create(gateway.DataPort, "127.0.0.7");
        const string Guess = "guess-NOT-IN-ANY-LOG-5d1c";
        await TokenRefusal.AssertInvalidClientAsync(attacker, "vcb-ekyc", Guess);
        await TokenRefusal.AssertInvalidClientAsync(attacker, $"no-such-client-{Guid.NewGuid():N}", Guess);
        await TokenRefusal.AssertInvalidClientAsync(attacker, $"no-such-client-{Guid.NewGuid():N}", Guess);

        await AssertLockedOutAsync(attacker, "viettel-sim", retryAfterSeconds: 60, "from this address");
        // Refused before the body is read: a request the endpoint would otherwise call malformed gets the same 429.
        using (var notAForm = await attacker.PostAsync("/connect/token", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, notAForm.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway.Data, "vcb-ekyc"));
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(attacker, "viettel-sim"));

        // The log says who failed, from where, and the lock-out; never the secret tried.
        await Poll.UntilAsync(async () => (await LogFile.ReadAsync(Log)).Contains("\"EventId\":{\"Id\":2103", StringComparison.Ordinal), "the lock-out in the log");
        var log = await LogFile.ReadAsync(Log);
        var events = log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        int? EventId(JsonElement e) => e.TryGetProperty("EventId", out var id) && id.TryGetProperty("Id", out var number) ? number.GetInt32() : null;
        var failures = events.Where(e => EventId(e) == 2102).Select(e => (
            e.GetProperty("Reason").GetString(), e.GetProperty("ClientId").GetString(), e.GetProperty("SourceAddress").GetString())).ToList();
        Assert.Equal([("wrong_secret", "vcb-ekyc", "127.0.0.7"), ("unknown_client", "(unknown)", "127.0.0.7"), ("unknown_client", "(unknown)", "127.0.0.7")], failures);
        var lockout = Assert.Single(events, e => EventId(e) == 2103);
        Assert.Equal("address", lockout.GetProperty("Scope").GetString());
        Assert.Equal("127.0.0.7", lockout.GetProperty("LockedOut").GetString());
        Assert.DoesNotContain(Guess, log, StringComparison.Ordinal);
        Assert.DoesNotContain("no-such-client", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clients_lockout_does_not_hold_an_address_it_recently_authenticated_from()
    {
        var gateway = await StartAsync(perClient: 3, perAddress: 1000);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway.Data, "vcb-ekyc"));
        using var attacker = SourceAddressClient.Create(gateway.DataPort, "127.0.0.8");
        await FailAsync(attacker, "vcb-ekyc", 3);

        await AssertLockedOutAsync(attacker, "vcb-ekyc", retryAfterSeconds: 60, "for this client");
        // The agency's own system, where the client signed in before, keeps getting tokens.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway.Data, "vcb-ekyc"));
        // Until it has not been seen there for a day.
        _clock.Advance(TimeSpan.FromDays(1));
        await FailAsync(attacker, "vcb-ekyc", 3);
        await AssertLockedOutAsync(gateway.Data, "vcb-ekyc", retryAfterSeconds: 60, "for this client");
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_failures_count_against_the_forwarded_caller_and_from_anyone_else_the_header_is_ignored()
    {
        var gateway = await StartAsync(perClient: 1000, perAddress: 2, "--Gateway:TrustedProxies:0=127.0.0.30/32");
        using var ingress = SourceAddressClient.Create(gateway.DataPort, "127.0.0.30");
        using var stranger = SourceAddressClient.Create(gateway.DataPort, "127.0.0.31");

        await FailAsync(ingress, "vcb-ekyc", 2, forwardedFor: "203.0.113.7");
        await AssertLockedOutAsync(ingress, "vcb-ekyc", retryAfterSeconds: 60, "from this address", forwardedFor: "203.0.113.7");
        // The ingress itself is not locked out: other callers behind it still get tokens.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(ingress, "vcb-ekyc", forwardedFor: "203.0.113.8"));

        // A caller that is not the ingress cannot choose the address it is counted under.
        await FailAsync(stranger, "vcb-ekyc", 2, forwardedFor: "203.0.113.8");
        await AssertLockedOutAsync(stranger, "vcb-ekyc", retryAfterSeconds: 60, "from this address", forwardedFor: "203.0.113.9");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(ingress, "vcb-ekyc", forwardedFor: "203.0.113.8"));
    }

    private Task<TestGateway> StartAsync(int perClient, int perAddress, params string[] settings) => _workspace.StartGatewayAsync(
        _clock,
        [
            $"--Identity:ClientAuthentication:FailuresPerClient={perClient}",
            $"--Identity:ClientAuthentication:FailuresPerAddress={perAddress}",
            "--Identity:ClientAuthentication:FirstLockout=00:01:00",
            "--Identity:ClientAuthentication:MaxLockout=00:03:00",
            .. settings,
        ]);

    private static async Task FailAsync(HttpClient client, string clientId, int times, string? forwardedFor = null)
    {
        for (var i = 0; i < times; i++)
        {
            using var response = await TokenResponseAsync(client, clientId, "guess", forwardedFor);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string clientId, string? forwardedFor = null)
    {
        using var response = await TokenResponseAsync(client, clientId, TestRegistry.Secret, forwardedFor);
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> TokenResponseAsync(HttpClient client, string clientId, string secret, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", secret)]),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await client.SendAsync(request);
    }

    /// <summary>The right secret, refused unchecked: 429, Retry-After, an RFC 6749 error body naming the lock-out.</summary>
    private static async Task AssertLockedOutAsync(HttpClient client, string clientId, int retryAfterSeconds, string scope, string? forwardedFor = null)
    {
        using var response = await TokenResponseAsync(client, clientId, TestRegistry.Secret, forwardedFor);
        var (retryAfter, description) = await TokenRefusal.AssertLockedOutAsync(response);
        Assert.Equal(TimeSpan.FromSeconds(retryAfterSeconds), retryAfter);
        Assert.Contains(scope, description, StringComparison.Ordinal);
    }
}
