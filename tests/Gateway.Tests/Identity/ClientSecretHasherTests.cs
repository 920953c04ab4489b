using Ndxp.Gateway.Identity;

namespace Ndxp.Gateway.Tests.Identity;

public sealed class ClientSecretHasherTests
{
    [Fact]
    public void Hash_verifies_the_secret_and_nothing_else()
    {
        var hash = ClientSecretHasher.Hash("s3cret", ClientSecretHasher.MinimumIterations);

        Assert.True(ClientSecretHasher.VerifySlow("s3cret", hash));
        Assert.False(ClientSecretHasher.VerifySlow("s3cret ", hash));
        Assert.False(ClientSecretHasher.VerifySlow("", hash));
    }

    [Fact]
    public void Same_secret_hashes_differently_each_time_because_of_the_salt()
    {
        Assert.NotEqual(
            ClientSecretHasher.Hash("s3cret", ClientSecretHasher.MinimumIterations),
            ClientSecretHasher.Hash("s3cret", ClientSecretHasher.MinimumIterations));
    }

    [Fact]
    public void Default_hash_uses_the_production_work_factor_and_does_not_contain_the_secret()
    {
        var hash = ClientSecretHasher.Hash("s3cret");

        Assert.StartsWith("pbkdf2-sha256$600000$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", hash, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s3cret")]
    [InlineData("pbkdf2-sha256$100$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("md5$10000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$10000$not-base64$AAAA")]
    public void Malformed_or_weak_hashes_never_verify(string? hash)
    {
        Assert.False(ClientSecretHasher.IsWellFormed(hash));
        Assert.False(ClientSecretHasher.VerifySlow("s3cret", hash ?? ""));
        Assert.False(ClientSecretHasher.VerifyFast(ClientSecretHasher.Fingerprint("s3cret"), hash ?? ""));
    }

    [Theory]
    [InlineData("sha256$AAAA")]
    [InlineData("sha256$not base64")]
    [InlineData("sha256$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")]
    public void Malformed_fast_hashes_never_verify(string hash)
    {
        Assert.False(ClientSecretHasher.IsWellFormed(hash));
        Assert.False(ClientSecretHasher.VerifyFast(ClientSecretHasher.Fingerprint("s3cret"), hash));
    }

    [Fact]
    public void A_generated_secret_is_256_random_bits_with_a_fast_hash_that_verifies_it_and_nothing_else()
    {
        var (secret, hash) = ClientSecretHasher.Generate();
        var (other, _) = ClientSecretHasher.Generate();

        Assert.Equal(32, Convert.FromBase64String(secret.Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.StartsWith("sha256$", hash, StringComparison.Ordinal);
        Assert.True(ClientSecretHasher.IsWellFormed(hash));
        Assert.False(ClientSecretHasher.IsSlow(hash));
        Assert.DoesNotContain(secret, hash, StringComparison.Ordinal);
        Assert.True(ClientSecretHasher.VerifyFast(ClientSecretHasher.Fingerprint(secret), hash));
        Assert.False(ClientSecretHasher.VerifyFast(ClientSecretHasher.Fingerprint(other), hash));
        Assert.False(ClientSecretHasher.VerifySlow(secret, hash));
    }
}
