using Ndxp.Gateway.ClientAuthentication;
using Ndxp.Gateway.Identity;

namespace Ndxp.Gateway.Tests.ClientAuthentication;

/// <summary><c>hash-secret</c> refuses secrets a person might guess and hashes the rest slowly.</summary>
public sealed class ChosenSecretPolicyTests
{
    [Theory]
    [InlineData("short-Secret1!")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("Password1234567890")]
    [InlineData("qwertyuiopasdfghjkl")]
    [InlineData("correcthorsebatterystaple")]
    [InlineData("monkeymonkeymonkey2026")]
    public void Short_or_guessable_secrets_are_refused(string secret) =>
        Assert.NotNull(ChosenSecretPolicy.WhyRefused(secret));

    [Theory]
    [InlineData("Xq7#mP2v!Lr9@tZk4wB")]
    [InlineData("h3Jq-8vWz_Tn2KpR5yLc")]
    public void Long_random_secrets_are_accepted(string secret) =>
        Assert.Null(ChosenSecretPolicy.WhyRefused(secret));

    [Fact]
    public async Task Hash_secret_refuses_a_guessable_secret_outside_the_demo_and_hashes_it_slowly_in_the_demo()
    {
        var refused = await HashSecretAsync("Password1234567890");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("guessable", refused.Error, StringComparison.Ordinal);
        Assert.Equal("", refused.Output);

        var demo = await HashSecretAsync("demo-secret", "--demo");
        Assert.Equal(0, demo.ExitCode);
        var hash = demo.Output;
        Assert.True(ClientSecretHasher.IsSlow(hash));
        Assert.True(ClientSecretHasher.VerifySlow("demo-secret", hash));
    }

    [Fact]
    public async Task Hash_secret_hashes_a_strong_secret_slowly()
    {
        var accepted = await HashSecretAsync("h3Jq-8vWz_Tn2KpR5yLc");

        Assert.Equal(0, accepted.ExitCode);
        Assert.StartsWith("pbkdf2-sha256$600000$", accepted.Output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> HashSecretAsync(string secret, params string[] switches)
    {
        using var input = new StringReader(secret + "\n");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await HashSecretCommand.RunAsync(["hash-secret", .. switches], input, output, error);
        return (code, output.ToString().Trim(), error.ToString());
    }
}
