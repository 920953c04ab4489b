using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Ndxp.Gateway.DemoProviders.Population;

namespace Ndxp.Gateway.DemoProviders.CitizenIdentity;

/// <summary>
/// DEMO ONLY: a stand-in citizen identity provider under <see cref="DemoCitizenIdentity.PathBase"/>: an OpenID Connect
/// discovery document, its key set, and <c>POST token</c> with a form field <c>personal_id</c> that answers a signed
/// access token for that citizen, asking for no proof at all. Every document it serves says <c>"demo": true</c>.
/// </summary>
public static class DemoCitizenIdentityApi
{
    /// <summary>A form holding one 12-digit personal ID is a few dozen bytes: nothing much larger is read.</summary>
    private const long MaxFormBytes = 1024;

    /// <param name="services">The demo providers' services.</param>
    /// <param name="providersUrl">The demo providers' URL; the issuer is <see cref="DemoCitizenIdentity.IssuerFor"/> of it.</param>
    public static IServiceCollection AddDemoCitizenIdentity(this IServiceCollection services, string providersUrl)
    {
        // DEMO ONLY: never register this in a real deployment; it hands a token for any citizen to anyone who asks.
        var issuer = DemoCitizenIdentity.IssuerFor(providersUrl);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new DemoCitizenTokenIssuer(issuer, provider.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static IEndpointRouteBuilder MapDemoCitizenIdentity(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(DemoCitizenIdentity.PathBase);
        group.MapGet("/.well-known/openid-configuration", (DemoCitizenTokenIssuer issuer) => Results.Json(Discovery(issuer.Issuer)));
        group.MapGet("/jwks.json", (DemoCitizenTokenIssuer issuer) => Results.Json(new { keys = new[] { issuer.PublicJwk() }, demo = true }));
        group.MapPost("/token", IssueAsync);
        return endpoints;
    }

    private static async Task<IResult> IssueAsync(HttpContext context, DemoCitizenTokenIssuer issuer)
    {
        // RFC 6749 section 5.1: a token answer is never cached.
        context.Response.Headers.CacheControl = "no-store";
        var (form, refusal) = await DemoForm.ReadAsync(context, MaxFormBytes);
        if (form is null)
        {
            return DemoProblems.UnreadForm(refusal, "A token request", DemoCitizenIdentity.PersonalIdClaim, MaxFormBytes);
        }

        var personalId = form[DemoCitizenIdentity.PersonalIdClaim];
        if (personalId.Count != 1 || !CitizenDirectory.IsWellFormed(personalId.ToString()))
        {
            return DemoProblems.BadIdentifier("personal ID", "Send personal_id once: a personal ID is 12 digits.");
        }

        var token = issuer.Issue(personalId.ToString());
        return Results.Json(new TokenAnswer(token, "Bearer", (int)DemoCitizenTokenIssuer.Lifetime.TotalSeconds, Demo: true));
    }

    /// <summary>What ASP.NET Core's JwtBearer reads from <c>{issuer}/.well-known/openid-configuration</c> (OpenID Connect Discovery 1.0 section 3).</summary>
    private static Dictionary<string, object> Discovery(string issuer) => new()
    {
        ["issuer"] = issuer,
        ["jwks_uri"] = issuer + "/jwks.json",
        ["token_endpoint"] = issuer + "/token",
        ["id_token_signing_alg_values_supported"] = new[] { DemoTokenSigner.Algorithm },
        ["response_types_supported"] = new[] { "token" },
        ["subject_types_supported"] = new[] { "public" },
        ["demo"] = true,
    };

    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("token_type")] string TokenType,
        [property: JsonPropertyName("expires_in")] int ExpiresIn,
        [property: JsonPropertyName("demo")] bool Demo);
}
