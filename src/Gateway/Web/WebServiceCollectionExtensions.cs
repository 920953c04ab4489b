using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Limits;

namespace Ndxp.Gateway.Web;

/// <summary>
/// The operator console and the agency portal: Razor Pages under <c>Web/</c>, signed in through the configured
/// OpenID Connect authority (authorization code + PKCE) into a cookie session of their own each. Nothing here is on a
/// data call's path: <see cref="DataCallMiddleware"/> has answered a call to a service before routing reaches a page.
/// </summary>
public static class WebServiceCollectionExtensions
{
    public static IServiceCollection AddWebPages(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SignInOptions.SectionName);
        services.AddOptions<SignInOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var signIn = section.Get<SignInOptions>() ?? new SignInOptions();
        if (!signIn.Enabled)
        {
            return services;
        }

        var host = configuration.GetSection(GatewayHostOptions.SectionName).Get<GatewayHostOptions>() ?? new GatewayHostOptions();
        var limits = configuration.GetSection(LimitsOptions.SectionName).Get<LimitsOptions>() ?? new LimitsOptions();
        var identity = configuration.GetSection(Identity.IdentityOptions.SectionName).Get<Identity.IdentityOptions>() ?? new Identity.IdentityOptions();
        var secure = signIn.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.AddLocalization();
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/Web";
            options.Conventions.AuthorizeFolder("/Console", WebArea.Console.Policy);
            options.Conventions.AuthorizeFolder("/Portal", WebArea.Portal.Policy);
            options.Conventions.AllowAnonymousToPage("/Console/Denied");
            options.Conventions.AllowAnonymousToPage("/Portal/Denied");
            // The console answers on the admin port only; the portal's pages, like every endpoint without this, on the data port.
            options.Conventions.AddFolderApplicationModelConvention("/Console", model => model.EndpointMetadata.Add(PlaneMetadata.Admin));
        }).ConfigureApplicationPartManager(parts =>
        {
            // The pages are compiled into this assembly, which MVC finds only when it is the entry assembly: a host that
            // is another program (the tests) names it here.
            var assembly = typeof(WebServiceCollectionExtensions).Assembly;
            if (!parts.ApplicationParts.Any(part => part is Microsoft.AspNetCore.Mvc.ApplicationParts.AssemblyPart { Assembly: var a } && a == assembly))
            {
                foreach (var part in Microsoft.AspNetCore.Mvc.ApplicationParts.ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                {
                    parts.ApplicationParts.Add(part);
                }
            }
        });
        services.Configure<RouteOptions>(options => options.LowercaseUrls = true);
        // Notices after a change travel in this cookie: sent only from the gateway's own pages, like the session.
        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(options =>
        {
            options.Cookie.Name = "ndxp-notice";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = secure;
        });
        // Vietnamese written as characters, not as numeric references (still HTML-encoded where HTML needs it).
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "ndxp-antiforgery";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = secure;
        });

        // Session cookies and anti-forgery tokens are sealed with Data Protection keys every replica must share: Redis when
        // the replicas share one, else the data directory (one node).
        var protection = services.AddDataProtection().SetApplicationName("ndxp-gateway");
        if (limits.Redis is null)
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(host.DataDirectory, "web-keys")));
        }
        else
        {
            services.AddOptions<KeyManagementOptions>().Configure<SharedRedis>((options, redis) =>
                options.XmlRepository = new RedisXmlRepository(() => redis.Database, "ndxp:web-keys"));
        }

        var authentication = services.AddAuthentication();
        foreach (var area in WebArea.All)
        {
            var client = area == WebArea.Console ? signIn.Console : signIn.Portal;
            authentication.AddCookie(area.CookieScheme, options =>
            {
                options.Cookie.Name = $"ndxp-{area.Name}";
                options.Cookie.Path = area.PathBase;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = secure;
                options.ExpireTimeSpan = signIn.IdleTimeout;
                options.SlidingExpiration = true;
                options.ForwardChallenge = area.SignInScheme;
                options.AccessDeniedPath = area.PathBase + "/denied";
                options.ReturnUrlParameter = "returnUrl";
                options.Events.OnValidatePrincipal = context => SignInEvents.EndOldSession(context, signIn.MaxSessionLifetime);
            });
            authentication.AddOpenIdConnect(area.SignInScheme, options =>
            {
                options.Authority = signIn.Authority;
                options.RequireHttpsMetadata = signIn.RequireHttpsMetadata;
                options.ClientId = client.ClientId;
                options.ClientSecret = client.ClientSecret;
                options.ResponseType = "code";
                options.UsePkce = true;
                // Back by a top-level GET: the correlation and nonce cookies (SameSite=Lax) come with it, where a
                // cross-site form POST would need SameSite=None.
                options.ResponseMode = "query";
                options.CallbackPath = area.PathBase + "/signin-oidc";
                options.SignedOutCallbackPath = area.PathBase + "/signout-callback-oidc";
                options.SignInScheme = area.CookieScheme;
                options.MapInboundClaims = false;
                options.GetClaimsFromUserInfoEndpoint = false;
                options.SaveTokens = false;
                options.Scope.Clear();
                options.Scope.Add("openid");
                options.Scope.Add("profile");
                options.TokenValidationParameters.NameClaimType = "name";
                options.TokenValidationParameters.RoleClaimType = signIn.RoleClaim;
                // Lax, not the handler's default None: a browser drops a SameSite=None cookie that is not Secure (plain HTTP,
                // as in the demo), and a top-level GET back from the authority carries Lax cookies.
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.CorrelationCookie.SecurePolicy = secure;
                options.NonceCookie.SameSite = SameSiteMode.Lax;
                options.NonceCookie.SecurePolicy = secure;
                options.Events.OnMessageReceived = context => SignInEvents.OnlyOnItsPort(context, area, host);
                // Behind a TLS-terminating ingress the request says http: the authority is given the public address.
                var publicUrl = area == WebArea.Console ? host.AdminPublicUrl?.AbsoluteUri : identity.Issuer;
                options.Events.OnRedirectToIdentityProvider = context => SignInEvents.AtPublicUrl(context, area, publicUrl);
                options.Events.OnRedirectToIdentityProviderForSignOut = context => SignInEvents.AtPublicUrl(context, area, publicUrl);
                options.Events.OnTicketReceived = context => SignInEvents.SignInThenBounce(context, area);
                options.Events.OnRemoteFailure = context => WebFailures.SignInFailedAsync(context, area);
            });
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(WebArea.Console.Policy, policy => policy.AddAuthenticationSchemes(WebArea.Console.CookieScheme)
                .RequireAuthenticatedUser().RequireClaim(signIn.RoleClaim, signIn.OperatorRole))
            .AddPolicy(WebArea.Portal.Policy, policy => policy.AddAuthenticationSchemes(WebArea.Portal.CookieScheme)
                .RequireAuthenticatedUser().RequireAssertion(context => context.User.FindFirst(signIn.AgencyClaim)?.Value is { Length: > 0 }));
        return services;
    }
}
