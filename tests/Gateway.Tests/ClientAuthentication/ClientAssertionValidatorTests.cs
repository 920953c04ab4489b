using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.ClientAuthentication;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Identity;

namespace Ndxp.Gateway.Tests.ClientAuthentication;

/// <summary>The client id read from an assertion before anything is verified: cheap, bounded, and never an exception.</summary>
public sealed class ClientAssertionValidatorTests
{
    private readonly ClientAssertionValidator _validator = new(
        new LocalUsedAssertions(TimeProvider.System, Options.Create(new ClientAuthenticationOptions())),
        TimeProvider.System,
        Options.Create(new IdentityOptions()),
        Options.Create(new GatewayHostOptions()),
        Options.Create(new ClientAuthenticationOptions()));

    [Theory]
    [InlineData("""{"iss":"vcb-app","sub":"vcb-app"}""", "vcb-app")]
    [InlineData("""{"iss":"only-iss"}""", "only-iss")]
    [InlineData("""{"ext":{"nested":[1,2,{"sub":"inner"}]},"sub":"outer"}""", "outer")]
    [InlineData("""{"sub":"","iss":"the-iss"}""", "the-iss")]
    [InlineData("""{"sub":42,"iss":"the-iss"}""", "42")]
    [InlineData("""{"aud":{"nested":"no audience"},"sub":"outer"}""", null)]
    [InlineData("""["sub","x"]""", null)]
    [InlineData("""{"sub":"unterminated""", null)]
    public void The_claimed_client_id_is_the_unverified_sub_or_else_iss(string payload, string? expected) =>
        Assert.Equal(expected, Claimed(Jws(payload)));

    [Theory]
    [InlineData("")]
    [InlineData("no-dots")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d.e")]
    [InlineData("eyJhbGciOiJub25lIn0.!!!not-base64url!!!.sig")]
    public void Anything_that_is_not_a_compact_jws_claims_no_client(string assertion) =>
        Assert.Null(Claimed(assertion));

    [Fact]
    public void A_deeply_nested_or_oversized_assertion_claims_no_client_and_throws_nothing()
    {
        Assert.Null(Claimed(Jws(new string('[', 3_000) + new string(']', 3_000))));
        Assert.Null(Claimed(Jws($$"""{"sub":"vcb-app","pad":"{{new string('x', IdentityOptions.DefaultMaxTokenBytes)}}"}""")));
        Assert.Null(Claimed(Jws($$"""{"sub":"{{new string('x', 300)}}"}""")));
    }

    private string? Claimed(string assertion) =>
        _validator.Read(assertion) is { } jwt ? ClientAssertionValidator.ClaimedClientId(jwt) : null;

    private static string Jws(string payload) => "eyJhbGciOiJFUzI1NiJ9." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload)) + ".c2ln";
}
