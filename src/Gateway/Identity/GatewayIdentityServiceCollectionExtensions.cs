using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Identity;

public static class GatewayIdentityServiceCollectionExtensions
{
    /// <summary>The scheme validating the gateway's own tokens.</summary>
    public const string GatewayScheme = "ndxp";

    private const string SelectorScheme = "ndxp-or-external";

    /// <summary>
    /// Asymmetric algorithms only, for access tokens and client assertions alike: an HS256 token "signed" with a
    /// published public key, or alg "none", never passes.
    /// </summary>
    internal static readonly string[] AcceptedAlgorithms =
    [
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    ];

    public static IServiceCollection AddGatewayIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(IdentityOptions.SectionName);
        services.AddOptions<IdentityOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var identity = section.Get<IdentityOptions>() ?? new IdentityOptions();
        var host = configuration.GetSection(GatewayHostOptions.SectionName).Get<GatewayHostOptions>() ?? new GatewayHostOptions();
        var issuer = identity.ResolveIssuer(host);

        services.AddSingleton(sp => SigningKeyRing.Load(
            Path.Combine(host.DataDirectory, identity.SigningKeysDirectory),
            identity.ActiveKeyId,
            identity.GenerateSigningKeyIfMissing,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<SigningKeyRing>()));
        services.AddSingleton(sp => new TokenIssuer(
            sp.GetRequiredService<SigningKeyRing>(), sp.GetRequiredService<TimeProvider>(), issuer, identity.Audience, identity.TokenLifetime));
        services.AddSingleton(sp => new CachingTokenHandler(identity.ValidatedTokenCacheSize, sp.GetRequiredService<TimeProvider>(), identity.MaxTokenBytes));

        var external = identity.ExternalAuthorities;
        var authentication = services.AddAuthentication(external.Count == 0 ? GatewayScheme : SelectorScheme);
        authentication.AddJwtBearer(GatewayScheme, _ => { });
        services.AddOptions<JwtBearerOptions>(GatewayScheme).Configure<SigningKeyRing, CachingTokenHandler>((options, keys, cache) =>
        {
            Configure(options, cache, identity.ClockSkew);
            options.TokenValidationParameters.ValidIssuer = issuer;
            options.TokenValidationParameters.ValidAudience = identity.Audience;
            options.TokenValidationParameters.IssuerSigningKeys = keys.Keys;
        });

        foreach (var authority in external)
        {
            authentication.AddJwtBearer(ExternalScheme(authority), options =>
            {
                options.Authority = authority.Authority;
                options.Audience = authority.Audience;
                options.RequireHttpsMetadata = authority.RequireHttpsMetadata;
            });
            services.AddOptions<JwtBearerOptions>(ExternalScheme(authority)).Configure<CachingTokenHandler>((options, cache) =>
            {
                Configure(options, cache, identity.ClockSkew);
                options.TokenValidationParameters.ValidAudience = authority.Audience;
                options.Events.OnTokenValidated = async context =>
                {
                    if (authority.CitizenClaim is { Length: > 0 } citizenClaim)
                    {
                        MapCitizenClaims(context, citizenClaim);
                    }
                    else
                    {
                        await MapExternalClaims(context, authority);
                    }

                    await RequireBoundCertificate(context);
                };
            });
        }

        if (external.Count > 0)
        {
            authentication.AddPolicyScheme(SelectorScheme, "Gateway or external authority", options =>
                options.ForwardDefaultSelector = context => SelectScheme(context, issuer, external));
        }

        return services;
    }

    private static void Configure(JwtBearerOptions options, CachingTokenHandler cache, TimeSpan clockSkew)
    {
        options.MapInboundClaims = false;
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(cache);
        var parameters = options.TokenValidationParameters;
        parameters.ValidateIssuer = true;
        parameters.ValidateAudience = true;
        parameters.ValidateLifetime = true;
        parameters.ValidateIssuerSigningKey = true;
        parameters.RequireExpirationTime = true;
        parameters.RequireSignedTokens = true;
        parameters.ClockSkew = clockSkew;
        parameters.ValidAlgorithms = AcceptedAlgorithms;
        // The kid must name a trusted key: no falling back to trying every key (an unknown kid is a refusal).
        parameters.TryAllIssuerSigningKeys = false;
        parameters.NameClaimType = GatewayClaims.ClientId;
        options.Events ??= new JwtBearerEvents();
        options.Events.OnAuthenticationFailed = context =>
        {
            context.HttpContext.Features.Set(TokenFailure.From(context.Exception));
            return Task.CompletedTask;
        };
        options.Events.OnTokenValidated = RequireBoundCertificate;
    }

    // Part of authentication, so that no endpoint (data, admin, usage) can forget it: a token bound to a certificate
    // (RFC 8705) is not a credential on a connection that did not present that certificate.
    private static Task RequireBoundCertificate(TokenValidatedContext context)
    {
        if (context.Principal is { } principal && !CertificateBinding.IsSatisfied(principal, context.HttpContext.Connection.ClientCertificate))
        {
            var rejection = new TokenRejectedException(Problems.ProblemKind.TokenCertificateMismatch, "The token is bound to a client certificate this connection did not present.");
            context.HttpContext.Features.Set(TokenFailure.From(rejection));
            context.Fail(rejection);
        }

        return Task.CompletedTask;
    }

    private static string ExternalScheme(ExternalAuthorityOptions authority) => "external:" + authority.Name;

    private static string SelectScheme(HttpContext context, string gatewayIssuer, IList<ExternalAuthorityOptions> external)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return GatewayScheme;
        }

        string? tokenIssuer;
        try
        {
            tokenIssuer = new JsonWebToken(authorization["Bearer ".Length..].Trim()).Issuer;
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException)
        {
            return GatewayScheme;
        }

        if (string.Equals(tokenIssuer?.TrimEnd('/'), gatewayIssuer, StringComparison.Ordinal))
        {
            return GatewayScheme;
        }

        foreach (var authority in external)
        {
            if (string.Equals(tokenIssuer?.TrimEnd('/'), authority.Authority.TrimEnd('/'), StringComparison.Ordinal))
            {
                return ExternalScheme(authority);
            }
        }

        // Unknown issuer: the gateway's own scheme refuses it with an issuer error.
        return GatewayScheme;
    }

    // What a citizen's token may not carry into the gateway: who an agency is, what a client may do.
    private static readonly System.Collections.Frozen.FrozenSet<string> NotACitizens = System.Collections.Frozen.FrozenSet.ToFrozenSet(
        [GatewayClaims.Agency, GatewayClaims.ClientId, GatewayClaims.Roles, GatewayClaims.ExternalOperator, GatewayClaims.CitizenSubject, "scope", "scp"],
        StringComparer.Ordinal);

    // A citizen's token names a person and nothing else: whatever it says about agencies, clients or roles is dropped,
    // so that no citizen identity provider can open a data call or the admin plane.
    private static void MapCitizenClaims(TokenValidatedContext context, string citizenClaim)
    {
        if (context.Principal?.Identity is not System.Security.Claims.ClaimsIdentity identity)
        {
            return;
        }

        var subject = identity.FindFirst(citizenClaim)?.Value;
        foreach (var claim in identity.Claims.Where(c => NotACitizens.Contains(c.Type)).ToList())
        {
            identity.RemoveClaim(claim);
        }

        if (!string.IsNullOrEmpty(subject))
        {
            identity.AddClaim(new System.Security.Claims.Claim(GatewayClaims.CitizenSubject, subject));
        }
    }

    private static Task MapExternalClaims(TokenValidatedContext context, ExternalAuthorityOptions authority)
    {
        if (context.Principal?.Identity is System.Security.Claims.ClaimsIdentity identity)
        {
            foreach (var forged in identity.FindAll(GatewayClaims.CitizenSubject).ToList())
            {
                identity.RemoveClaim(forged);
            }

            Copy(identity, authority.AgencyClaim, GatewayClaims.Agency);
            Copy(identity, authority.ClientClaim, GatewayClaims.ClientId);
            foreach (var forged in identity.FindAll(GatewayClaims.ExternalOperator).ToList())
            {
                identity.RemoveClaim(forged);
            }

            var scopes = identity.FindAll("scope").Concat(identity.FindAll("scp")).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            if (authority.OperatorScope is { Length: > 0 } operatorScope && scopes.Contains(operatorScope, StringComparer.Ordinal))
            {
                identity.AddClaim(new System.Security.Claims.Claim(GatewayClaims.ExternalOperator, "true"));
            }
        }

        return Task.CompletedTask;

        static void Copy(System.Security.Claims.ClaimsIdentity identity, string from, string to)
        {
            if (from != to && identity.FindFirst(to) is null && identity.FindFirst(from) is { } claim)
            {
                identity.AddClaim(new System.Security.Claims.Claim(to, claim.Value));
            }
        }
    }
}
