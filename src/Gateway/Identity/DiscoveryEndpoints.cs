namespace Ndxp.Gateway.Identity;

/// <summary>The issuer's public documents: its keys (RFC 7517) and an OpenID Connect discovery document.</summary>
internal static class DiscoveryEndpoints
{
    public static IEndpointRouteBuilder MapDiscoveryEndpoints(this IEndpointRouteBuilder endpoints, string issuer)
    {
        endpoints.MapGet("/.well-known/jwks.json", (SigningKeyRing keys, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Json(new { keys = keys.PublicJwks() });
        });

        var discovery = new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["token_endpoint"] = issuer + TokenEndpoint.Path,
            ["jwks_uri"] = issuer + "/.well-known/jwks.json",
            ["grant_types_supported"] = new[] { "client_credentials" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post" },
            ["id_token_signing_alg_values_supported"] = new[] { SigningKeyRing.Algorithm },
            ["response_types_supported"] = new[] { "token" },
            ["subject_types_supported"] = new[] { "public" },
        };
        endpoints.MapGet("/.well-known/openid-configuration", () => Results.Json(discovery));
        return endpoints;
    }
}
