using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Ndxp.Gateway.Hardening;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// The OpenAPI documents of the gateway's own API, one per port, each naming only its own port's endpoints and server:
/// the admin API at <c>/openapi/v1.json</c> and the data port's own endpoints (token, discovery, an agency's usage, a
/// citizen's trail) at <c>/openapi/data-v1.json</c>, both served on the admin plane with a browsable reference page at
/// <c>/docs</c> (Swagger UI, served from the package: no CDN, so it works on an isolated network). They are open: they
/// describe the API and hold no data.
/// </summary>
internal static class AdminDocs
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";
    public const string DataDocumentName = "data-v1";
    public const string DataDocumentPath = "/openapi/" + DataDocumentName + ".json";
    public const string PagePrefix = "docs";

    /// <summary>The name of the bearer token scheme in both documents' components.</summary>
    public const string BearerScheme = "bearer";

    /// <summary>
    /// The admin document. <paramref name="publicUrl"/> is its only server: without one it names none, and tools
    /// resolve its paths against the address they fetched it from (OpenAPI 3.1 section 4.8.1).
    /// </summary>
    public static void ConfigureAdmin(OpenApiOptions options, Uri? publicUrl) => Configure(
        options, admin: true, publicUrl?.AbsoluteUri, "NDXP Gateway admin API",
        "Operators manage agencies, clients, services and grants, read usage and the audit trail; auditors search access "
        + "trails. Admin port only. Every endpoint but the documents needs a bearer token (from POST /connect/token on the "
        + "data port) of a client holding the role the endpoint names in the registry. Errors are RFC 9457 problem+json "
        + "with a stable type (urn:ndxp:problem:*) and, where a call was identified, its transactionId.");

    /// <summary>The data port's document; its server is the gateway's issuer (the data port's public URL).</summary>
    public static void ConfigureData(OpenApiOptions options, string issuer) => Configure(
        options, admin: false, issuer, "NDXP Gateway data port",
        "The gateway's own endpoints on the data port: tokens for agencies' clients (OAuth 2.0 client credentials), the "
        + "issuer's discovery documents, an agency's own usage and a citizen's access trail. Calls to providers' services "
        + "go to each service's path prefix with a bearer token and X-Purpose; their contracts are the providers' own.");

    private static void Configure(OpenApiOptions options, bool admin, string? server, string title, string description)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ShouldInclude = endpoint => (endpoint.ActionDescriptor.EndpointMetadata.OfType<PlaneMetadata>().FirstOrDefault()?.IsAdmin ?? false) == admin;
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Servers = server is null ? [] : [new OpenApiServer { Url = server }];
            document.Info.Title = title;
            document.Info.Description = description;
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An access token from POST /connect/token on the data port (client credentials).",
                },
            };
            // Every operation needs the token unless it says otherwise (AllowAnonymous: the token endpoint, discovery).
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any())
            {
                operation.Security = [];
            }

            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<BodyMetadata>().FirstOrDefault() is { } body)
            {
                var content = new Dictionary<string, OpenApiMediaType>();
                foreach (var (mediaType, schema) in body.Contents)
                {
                    content[mediaType] = new() { Schema = await context.GetOrCreateSchemaAsync(schema, null, cancellationToken) };
                }

                operation.RequestBody = new OpenApiRequestBody { Required = true, Content = content };
            }
        });
    }

    /// <summary>
    /// Documents a JSON request body the handler reads itself. (Accepts() would also make routing refuse other content
    /// types before the handler runs, so a wrong Content-Type would fall through to a 404 instead of our 415.)
    /// </summary>
    public static RouteHandlerBuilder WithJsonBody<T>(this RouteHandlerBuilder builder) => builder.WithBody([("application/json", typeof(T))]);

    /// <summary>Documents a request body the handler reads itself in any of several media types, each with its schema.</summary>
    public static RouteHandlerBuilder WithBody(this RouteHandlerBuilder builder, IReadOnlyList<(string MediaType, Type Schema)> contents) =>
        builder.WithMetadata(new BodyMetadata(contents));

    private sealed record BodyMetadata(IReadOnlyList<(string MediaType, Type Schema)> Contents);

    /// <summary>The documents (from <see cref="AdminDocument"/>'s cache) and the page, on the admin plane.</summary>
    public static IEndpointRouteBuilder MapAdminDocs(this IEndpointRouteBuilder endpoints)
    {
        foreach (var (name, path) in new[] { (DocumentName, DocumentPath), (DataDocumentName, DataDocumentPath) })
        {
            endpoints.MapGet(path, (HttpContext context, IServiceProvider services) => services.GetRequiredKeyedService<AdminDocument>(name).ServeAsync(context))
                .ExcludeFromDescription()
                .OnAdminPlane()
                .RequireRateLimiting(OpenEndpointLimits.DocumentsPolicy);
        }

        endpoints.MapSwaggerUI(PagePrefix, options =>
            {
                options.DocumentTitle = "NDXP Gateway API";
                options.SwaggerEndpoint(DocumentPath, "Admin API v1 (admin port)");
                options.SwaggerEndpoint(DataDocumentPath, "Data port v1 (tokens, own usage, trail, portal API)");
            })
            .OnAdminPlane()
            .RequireRateLimiting(OpenEndpointLimits.DocumentsPolicy);
        return endpoints;
    }
}
