using System.Net;
using Ndxp.Gateway.Access;
using Ndxp.Gateway.AccessRequests;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.ClientAuthentication;
using Ndxp.Gateway.Forwarding;
using Ndxp.Gateway.Hardening;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Observability;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.DemoProviders.StaffIdentity;
using Ndxp.Gateway.Trail;
using Ndxp.Gateway.Web;
using Serilog;
using Serilog.Formatting.Display;
using Serilog.Formatting.Compact;

namespace Ndxp.Gateway;

/// <summary>The gateway host: the request path of a data call reads top to bottom in <see cref="Configure"/>.</summary>
public static class GatewayApplication
{
    public const string DemoSwitch = "--demo";
    private const string HostingLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    // Human-readable lines for a developer's console; the facts of an event (the call summary's among them) are its properties.
    private const string DevelopmentOutputTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}";

    /// <summary>
    /// Builds the host and loads the registry; throws with every registry error named if it is invalid. The clock is
    /// the system's unless another is given (tests move time across midnights and month ends with a fake one).
    /// </summary>
    public static async Task<WebApplication> CreateAsync(string[] args, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        var app = Build(args, clock ?? TimeProvider.System);
        Configure(app);

        await app.Services.GetRequiredService<RegistryLoader>().LoadAsync(cancellationToken);
        var usage = app.Services.GetRequiredService<IUsageStore>();
        await usage.InitializeAsync(cancellationToken);
        await app.Services.GetRequiredService<QuotaCounters>().LoadAsync(usage, app.Services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
        // Load (or, in embedded mode, create) the signing and pseudonym keys now: a missing key secret must stop start-up.
        app.Services.GetRequiredService<SigningKeyRing>();
        app.Services.GetRequiredService<PseudonymKeyRing>();
        StateMetrics.Register(app.Services);
        Draining.Register(app.Services);
        return app;
    }

    /// <summary>
    /// The gateway's services with the same configuration, not serving and with nothing loaded: for the operator
    /// commands that work on the configured stores (registry export/apply, audit verify).
    /// </summary>
    public static WebApplication CreateForCommand(string[] args) => Build(args, TimeProvider.System);

    private static WebApplication Build(string[] args, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(args);
        var demo = args.Contains(DemoSwitch, StringComparer.Ordinal);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args.Where(a => a != DemoSwitch).ToArray(),
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (demo)
        {
            builder.Configuration.AddInMemoryCollection([new($"{DemoOptions.SectionName}:{nameof(DemoOptions.Enabled)}", "true")]);
            // The demo providers' stand-in citizen identity provider (demo only), so that a citizen can read their trail.
            var providersUrl = builder.Configuration[$"{DemoOptions.SectionName}:{nameof(DemoOptions.ProvidersUrl)}"] ?? new DemoOptions().ProvidersUrl;
            const string Authority = $"{IdentityOptions.SectionName}:ExternalAuthorities:demo-citizen-id";
            builder.Configuration.AddInMemoryCollection(
            [
                new($"{Authority}:{nameof(ExternalAuthorityOptions.Name)}", "demo-citizen-id"),
                new($"{Authority}:{nameof(ExternalAuthorityOptions.Authority)}", DemoProviders.CitizenIdentity.DemoCitizenIdentity.IssuerFor(providersUrl)),
                new($"{Authority}:{nameof(ExternalAuthorityOptions.Audience)}", DemoProviders.CitizenIdentity.DemoCitizenIdentity.Audience),
                new($"{Authority}:{nameof(ExternalAuthorityOptions.CitizenClaim)}", DemoProviders.CitizenIdentity.DemoCitizenIdentity.PersonalIdClaim),
                new($"{Authority}:{nameof(ExternalAuthorityOptions.RequireHttpsMetadata)}", "false"),
            ]);
            // And its stand-in staff authority (demo only), with a login form, for the console and the portal.
            builder.Configuration.AddInMemoryCollection(
            [
                new($"{SignInOptions.SectionName}:{nameof(SignInOptions.Authority)}", DemoStaffIdentity.IssuerFor(providersUrl)),
                new($"{SignInOptions.SectionName}:{nameof(SignInOptions.RequireHttpsMetadata)}", "false"),
                // The demo is reached over plain HTTP: a browser would keep a Secure cookie but never send it back there.
                new($"{SignInOptions.SectionName}:{nameof(SignInOptions.SecureCookies)}", "false"),
                new($"{SignInOptions.SectionName}:Console:{nameof(SignInClient.ClientId)}", DemoStaffIdentity.ConsoleClientId),
                new($"{SignInOptions.SectionName}:Console:{nameof(SignInClient.ClientSecret)}", DemoStaffIdentity.ConsoleClientSecret),
                new($"{SignInOptions.SectionName}:Portal:{nameof(SignInClient.ClientId)}", DemoStaffIdentity.PortalClientId),
                new($"{SignInOptions.SectionName}:Portal:{nameof(SignInClient.ClientSecret)}", DemoStaffIdentity.PortalClientSecret),
            ]);
        }

        ConfigureServices(builder, clock);
        return builder.Build();
    }

    private static void ConfigureServices(WebApplicationBuilder builder, TimeProvider clock)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        var host = configuration.GetSection(GatewayHostOptions.SectionName).Get<GatewayHostOptions>() ?? new GatewayHostOptions();
        var demo = configuration.GetSection(DemoOptions.SectionName).Get<DemoOptions>() ?? new DemoOptions();
        var observability = configuration.GetSection(ObservabilityOptions.SectionName).Get<ObservabilityOptions>() ?? new ObservabilityOptions();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Slow or oversized clients are cut off by Kestrel before they hold a connection or memory for long.
            kestrel.Limits.RequestHeadersTimeout = host.RequestHeadersTimeout;
            kestrel.Limits.KeepAliveTimeout = host.KeepAliveTimeout;
            if (host.MinRequestBodyGracePeriod <= TimeSpan.FromSeconds(1) || host.MinRequestBodyBytesPerSecond <= 0)
            {
                throw new InvalidOperationException("Gateway:MinRequestBodyGracePeriod must be more than 1 second and Gateway:MinRequestBodyBytesPerSecond more than 0.");
            }

            kestrel.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(host.MinRequestBodyBytesPerSecond, host.MinRequestBodyGracePeriod);
            kestrel.Limits.MaxRequestHeadersTotalSize = host.MaxRequestHeadersTotalBytes;
            kestrel.Limits.MaxRequestBodySize = host.MaxRequestBodyBytes;
            Listen(kestrel, host.ListenAddress, host.DataPort, host.TlsEnabled ? listen => TransportSecurity.UseTls(listen, host) : null);
            Listen(kestrel, host.ListenAddress, host.AdminPort);
        });

        GatewayMetrics.ConfigureExport();
        services.AddSingleton<MetricsScrape>();
        services.AddOpenEndpointLimits();
        // The console writer, unless sinks are configured explicitly (a file, another formatter): bounded, batched, off the
        // request path (Observability/BatchedLogWriter). Compact JSON but in development.
        var consoleIsTheSink = !configuration.GetSection("Serilog:WriteTo").Exists();
        // The demo is watched live by a person: lines, as in development.
        var consoleWritesJson = !builder.Environment.IsDevelopment() && !demo.Enabled;
        services.AddSingleton(_ => new BatchedLogWriter(
            consoleWritesJson ? new RenderedCompactJsonFormatter() : new MessageTemplateTextFormatter(DevelopmentOutputTemplate, System.Globalization.CultureInfo.InvariantCulture),
            observability.LogToStandardError ? Console.OpenStandardError() : Console.OpenStandardOutput(),
            observability.LogBufferSize,
            observability.LogBatchInterval,
            clock));
        services.AddSerilog((sp, logger) =>
        {
            logger.ReadFrom.Configuration(configuration).Enrich.FromLogContext().Enrich.With<PersonalDataRedactor>().Enrich.With<LogStringCap>();
            // Off, not merely quiet: a level above Fatal, Serilog's idiom for a source that must not log at all.
            // ASP.NET Core's hosting logger ("request starting/finished", below the gateway's levels) also opens a log scope
            // per request (request id, connection, path) that would be copied into every event of the call.
            logger.MinimumLevel.Override(HostingLogCategory, (Serilog.Events.LogEventLevel)(1 + (int)Serilog.Events.LogEventLevel.Fatal));
            if (consoleIsTheSink)
            {
                logger.WriteTo.Sink(sp.GetRequiredService<BatchedLogWriter>());
            }
        },
        // The static Log.Logger stays untouched: several gateways in one process (tests) must not close each other's sinks.
        preserveStaticLogger: true);

        services.AddSingleton(clock);
        // Read by ASP.NET Core's hosting when it starts each request's activity (registered before it adds the default).
        services.AddSingleton<System.Diagnostics.DistributedContextPropagator, CallerTraceContext>();
        services.AddOptions<ObservabilityOptions>().Bind(configuration.GetSection(ObservabilityOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GatewayHostOptions>().Bind(configuration.GetSection(GatewayHostOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        Draining.ConfigureShutdownTimeout(services);
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.SectionName));
        if (demo.Enabled)
        {
            services.AddHostedService<DemoProvidersHostedService>();
            services.PostConfigure<RegistryOptions>(o => o.SeedFile ??= demo.SeedFile);
        }

        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            if (context.HttpContext.GetGatewayCall() is { } call)
            {
                context.ProblemDetails.Extensions["transactionId"] = call.TransactionId;
                context.ProblemDetails.Extensions["traceId"] = call.TraceParent();
            }
            else
            {
                // The gateway's own endpoints (admin API, token, usage, trail) start no data call: their problems get an id
                // of the same form, in the body and in X-Transaction-Id, for an operator to quote.
                var response = context.HttpContext.Response;
                var id = response.Headers[Transaction.HeaderName] is { Count: > 0 } set ? set.ToString() : Transaction.NewId(clock.GetUtcNow());
                if (!response.HasStarted)
                {
                    response.Headers[Transaction.HeaderName] = id;
                }

                context.ProblemDetails.Extensions["transactionId"] = id;
            }
        });
        services.AddSingleton<MatcherPolicy, PlaneMatcherPolicy>();
        services.AddGatewayHealthChecks();
        services.AddStorage(configuration);
        services.AddRegistry(configuration);
        services.AddGatewayIdentity(configuration);
        services.AddClientAuthentication(configuration);
        services.AddMetering(configuration);
        services.AddTrail(configuration);
        services.AddAccessRequests(configuration);
        services.AddWebPages(configuration);
        services.AddLimits(configuration);
        services.AddReverseProxy().AddTransforms<IdentityHeadersTransformProvider>();
        services.AddSingleton<Yarp.ReverseProxy.Forwarder.IForwarderHttpClientFactory, ProviderTlsHttpClientFactory>();
        services.AddSingleton<EscapedFailure>();
        services.AddSingleton<CallMetrics>();
        // The access log line goes straight into the console writer's queue when that writer is the sink and writes
        // compact JSON; through Serilog otherwise (Observability/CallSummary).
        services.AddSingleton(sp => new CallSummary(
            sp.GetRequiredService<Serilog.ILogger>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ObservabilityOptions>>(), clock,
            consoleIsTheSink && consoleWritesJson ? sp.GetRequiredService<BatchedLogWriter>() : null));
        services.AddSingleton<CallerAuthentication>();
        services.AddSingleton<RequestLimits>();
        services.AddSingleton<AccessDecision>();
        services.AddSingleton<ProviderForwarder>();
        services.AddSingleton<AdminCommit>();
        services.AddOpenApi(AdminDocs.DocumentName, options => AdminDocs.ConfigureAdmin(options, host.AdminPublicUrl));
        services.AddOpenApi(AdminDocs.DataDocumentName, options => AdminDocs.ConfigureData(
            options, (configuration.GetSection(IdentityOptions.SectionName).Get<IdentityOptions>() ?? new IdentityOptions()).ResolveIssuer(host)));
        foreach (var document in new[] { AdminDocs.DocumentName, AdminDocs.DataDocumentName })
        {
            services.AddKeyedSingleton(document, (sp, name) => new AdminDocument(
                (string)name!, sp.GetRequiredKeyedService<Microsoft.AspNetCore.OpenApi.IOpenApiDocumentProvider>(name), sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.OpenApi.OpenApiOptions>>()));
        }
        // Enums as the registry writes them ("active", "suspended"), in responses and in the OpenAPI schemas alike.
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(
            new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)));
    }

    private static void Configure(WebApplication app)
    {
        var host = app.Configuration.GetSection(GatewayHostOptions.SectionName).Get<GatewayHostOptions>() ?? new GatewayHostOptions();
        var identity = app.Configuration.GetSection(IdentityOptions.SectionName).Get<IdentityOptions>() ?? new IdentityOptions();

        app.Use(app.Services.GetRequiredService<Draining>().CloseConnectionsWhileDraining);
        if (host.TrustedProxies.Count > 0)
        {
            app.UseWhen(context => context.Connection.LocalPort == host.DataPort, data => data.UseTrustedProxies(host));
        }

        if (host.TlsEnabled)
        {
            app.UseMiddleware<StrictTransportSecurityMiddleware>();
        }

        // A call to a service is handled whole by DataCallMiddleware, which authenticates it with its own step
        // (Access/CallerAuthentication); only the gateway's own endpoints, on either plane, go on to routing.
        app.UseMiddleware<DataCallMiddleware>();
        app.UseWebAssets(host);
        app.UseRouting();
        // Only the admin plane's open endpoints name a rate-limit policy.
        app.UseRateLimiter();
        // Before authentication: the sign-in callback's pages and failures are pages too.
        app.UseWebPages();
        app.UseAuthentication();
        // Only the console's and portal's pages ask for ASP.NET Core authorization (the API endpoints check roles in the
        // live registry themselves: Admin/RoleRequired).
        app.UseAuthorization();

        app.MapTokenEndpoint();
        app.MapDiscoveryEndpoints(identity.ResolveIssuer(host), host.TlsEnabled && host.AllowClientCertificates);
        // No routes, only YARP's clusters (one per service, with their clients and health checks): mapping it is what
        // loads them. The data path forwards to them itself (Forwarding/ProviderForwarder).
        app.MapReverseProxy();
        app.MapFallback(context => context.WriteProblemAsync(ProblemKind.RouteNotFound));

        app.MapUsageApi();
        app.MapCitizenTrailApi();
        app.MapTrailSearchApi();
        app.MapCallChainApi();
        app.MapRegistryAdminApi();
        app.MapRegistryFileApi();
        app.MapAuditApi();
        app.MapAccessRequestApi();
        app.MapAdminDocs();
        app.MapWebPages();
        app.MapGatewayHealthChecks();
        app.MapGet(MetricsScrape.Path, context => context.RequestServices.GetRequiredService<MetricsScrape>().ServeAsync(context))
            .OnAdminPlane()
            .AllowAnonymous()
            .WithTags("observability")
            .WithSummary("Prometheus metrics (text exposition format)")
            .RequireRateLimiting(OpenEndpointLimits.MetricsPolicy);
        app.MapFallback(context => context.WriteProblemAsync(ProblemKind.RouteNotFound)).OnAdminPlane();
    }

    private static void Listen(
        Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, string address, int port, Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions>? configure = null)
    {
        if (string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, configure ?? (_ => { }));
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address), port, configure ?? (_ => { }));
        }
    }
}
