using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Identity;

public sealed class CachingTokenHandlerTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    [Fact]
    public async Task Valid_token_is_not_verified_again_while_cached()
    {
        using var handler = new CachingTokenHandler(capacity: 100, TimeProvider.System);
        var token = Token(DateTime.UtcNow.AddMinutes(5));

        var first = await handler.ValidateTokenAsync(token, Parameters(_key));
        // With no signing key at all a fresh validation must fail; a cached one does not look at keys.
        var second = await handler.ValidateTokenAsync(token, Parameters(key: null));

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal("vcb-ekyc", second.ClaimsIdentity.FindFirst("client_id")?.Value);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
    }

    [Fact]
    public async Task Cached_token_is_not_served_past_its_expiry()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var handler = new CachingTokenHandler(capacity: 100, clock);
        var token = Token(DateTime.UtcNow.AddMinutes(5));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(_key))).IsValid);

        clock.Advance(TimeSpan.FromMinutes(6));

        // Past exp the cache misses, so a full validation runs: here it cannot succeed for lack of keys.
        Assert.False((await handler.ValidateTokenAsync(token, Parameters(key: null))).IsValid);
    }

    [Fact]
    public async Task Invalid_tokens_are_not_cached()
    {
        using var handler = new CachingTokenHandler(capacity: 100, TimeProvider.System);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = Token(DateTime.UtcNow.AddMinutes(5));

        Assert.False((await handler.ValidateTokenAsync(token, Parameters(otherKey))).IsValid);
        Assert.False((await handler.ValidateTokenAsync(token, Parameters(otherKey))).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(_key))).IsValid);
    }

    [Fact]
    public async Task Zero_capacity_disables_the_cache()
    {
        using var handler = new CachingTokenHandler(capacity: 0, TimeProvider.System);
        var token = Token(DateTime.UtcNow.AddMinutes(5));

        Assert.True((await handler.ValidateTokenAsync(token, Parameters(_key))).IsValid);
        Assert.False((await handler.ValidateTokenAsync(token, Parameters(key: null))).IsValid);
    }

    public void Dispose() => _key.Dispose();

    private string Token(DateTime expires) =>
        TestJwt.Sign(_key, "k1", "https://issuer.test", TestJwt.ClientClaims("vcb-ekyc", "VCB"), expires: expires);

    private static TokenValidationParameters Parameters(ECDsa? key) => new()
    {
        ValidIssuer = "https://issuer.test",
        ValidAudience = "ndxp-gateway",
        IssuerSigningKeys = key is null ? [] : [new ECDsaSecurityKey(key) { KeyId = "k1" }],
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ClockSkew = TimeSpan.Zero,
    };
}
