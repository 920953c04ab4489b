using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Ndxp.Gateway.ClientAuthentication;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Identity;

/// <summary>
/// Without Redis, a replica remembers used assertion ids in bounded memory. Full of live ones, it cannot tell a replay
/// from a new assertion: it refuses new ones as a passing unavailability (503, Retry-After), not as the client's fault,
/// so they are neither counted as failures nor lock the client out.
/// </summary>
public sealed class AssertionStoreFullTests : IClassFixture<AssertionStoreFullTests.Fixture>
{
    private const int Capacity = 100;
    private readonly Fixture _gateway;

    public AssertionStoreFullTests(Fixture gateway) => _gateway = gateway;

    [Fact]
    public async Task A_full_store_of_used_assertion_ids_answers_503_with_retry_after_and_counts_no_failure()
    {
        var endpoint = _gateway.Issuer + "/connect/token";
        for (var i = 0; i < Capacity; i++)
        {
            await _gateway.Data.AssertionTokenAsync(ClientAssertions.Sign(_gateway.Key, "k1", "full-store", endpoint));
        }

        var counted = await ClientAssertions.FailuresAsync(_gateway.Admin, ClientAssertionValidator.ReplayCheckUnavailable);
        for (var i = 0; i < 3; i++)
        {
            using var refused = await _gateway.Data.AssertionTokenResponseAsync(ClientAssertions.Sign(_gateway.Key, "k1", "full-store", endpoint));
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode}: {body}");
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            Assert.Equal("temporarily_unavailable", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        }

        Assert.Equal(counted, await ClientAssertions.FailuresAsync(_gateway.Admin, ClientAssertionValidator.ReplayCheckUnavailable));
    }

    public sealed class Fixture : AdminFixture
    {
        public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        // A lock-out after 3 failures: the refusals below would trip it if they counted.
        protected override string[] Settings =>
        [
            $"--Identity:ClientAuthentication:MaxRememberedAssertions={Capacity}",
            "--Identity:ClientAuthentication:FailuresPerClient=3",
        ];

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await Admin.CreateClientAsync("""{"id":"full-store","agency":"VCB"}""");
            await Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/clients/full-store/keys", ClientAssertions.Jwk(Key, "k1"));
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            Key.Dispose();
        }
    }
}
