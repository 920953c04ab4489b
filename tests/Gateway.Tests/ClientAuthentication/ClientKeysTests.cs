using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.ClientAuthentication;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Tests.ClientAuthentication;

/// <summary>The kid a key registered without one gets: its RFC 7638 thumbprint, which must never change for a stored key.</summary>
public sealed class ClientKeysTests
{
    [Fact]
    public void The_thumbprint_of_the_rfc7638_example_key_is_the_one_the_rfc_gives()
    {
        // RFC 7638 section 3.1.
        var key = new ClientKey
        {
            Kid = "2011-04-29",
            Kty = "RSA",
            Alg = "RS256",
            N = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            E = "AQAB",
        };

        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", ClientKeys.Thumbprint(key));
    }

    [Theory]
    [InlineData("P-256")]
    [InlineData("P-384")]
    [InlineData("P-521")]
    public void An_ec_thumbprint_hashes_crv_kty_x_and_y_in_that_order_and_nothing_else(string crv)
    {
        using var ec = ECDsa.Create(crv switch
        {
            "P-256" => ECCurve.NamedCurves.nistP256,
            "P-384" => ECCurve.NamedCurves.nistP384,
            _ => ECCurve.NamedCurves.nistP521,
        });
        var point = ec.ExportParameters(includePrivateParameters: false).Q;
        var (x, y) = (Base64UrlEncoder.Encode(point.X), Base64UrlEncoder.Encode(point.Y));
        var key = new ClientKey { Kid = "k1", Kty = "EC", Crv = crv, X = x, Y = y };

        // RFC 7638 section 3.2: the required members in lexicographic order, without whitespace.
        var canonical = $$"""{"crv":"{{crv}}","kty":"EC","x":"{{x}}","y":"{{y}}"}""";
        Assert.Equal(Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), ClientKeys.Thumbprint(key));
    }
}
