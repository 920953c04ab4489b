namespace Ndxp.Gateway.Identity;

/// <summary>The issuer's public documents: its keys (RFC 7517) and an OpenID Connect discovery document.</summary>
internal static class DiscoveryEndpoints
{
    /// <param name="endpoints">The data plane's routes.</param>
    /// <param name="issuer">The gateway's issuer URL.</param>
    /// <param name="mutualTls">Whether the data port accepts client certificates: tls_client_auth and certificate-bound tokens.</param>
    public static IEndpointRouteBuilder MapDiscoveryEndpoints(this IEndpointRouteBuilder endpoints, string issuer, bool mutualTls)
    {
        endpoints.MapGet("/.well-known/jwks.json", (SigningKeyRing keys, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Json(new { keys = keys.PublicJwks() });
        })
        .AllowAnonymous().WithTags("token").WithSummary("The issuer's public signing keys (JWK Set, RFC 7517), to validate its tokens");

        var discovery = new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["token_endpoint"] = issuer + TokenEndpoint.Path,
            ["jwks_uri"] = issuer + "/.well-known/jwks.json",
            ["grant_types_supported"] = new[] { "client_credentials" },
            ["token_endpoint_auth_methods_supported"] = mutualTls
                ? new[] { "client_secret_basic", "client_secret_post", "private_key_jwt", "tls_client_auth", "self_signed_tls_client_auth" }
                : new[] { "client_secret_basic", "client_secret_post", "private_key_jwt" },
            ["token_endpoint_auth_signing_alg_values_supported"] = GatewayIdentityServiceCollectionExtensions.AcceptedAlgorithms,
            ["tls_client_certificate_bound_access_tokens"] = mutualTls,
            ["id_token_signing_alg_values_supported"] = new[] { SigningKeyRing.Algorithm },
            ["response_types_supported"] = new[] { "token" },
            ["subject_types_supported"] = new[] { "public" },
        };
        endpoints.MapGet("/.well-known/openid-configuration", () => Results.Json(discovery))
            .AllowAnonymous().WithTags("token").WithSummary("The issuer's discovery document (OpenID Connect Discovery): its token endpoint and keys");
        return endpoints;
    }
}
