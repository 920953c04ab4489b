using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Ndxp.Gateway.Hardening;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// The OpenAPI document of the gateway's own API (admin, usage, token) at <c>/openapi/v1.json</c> on the admin plane,
/// and a browsable reference page for it at <c>/docs</c> (Swagger UI, served from the package: no CDN, so it works
/// on an isolated network). Both are open on the admin plane: they describe the API and hold no data.
/// </summary>
internal static class AdminDocs
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";
    public const string PagePrefix = "docs";

    /// <summary>
    /// The document's content. <paramref name="publicUrl"/> is its only server: without one it names none, and tools
    /// resolve its paths against the address they fetched it from (OpenAPI 3.1 section 4.8.1).
    /// </summary>
    public static void Configure(OpenApiOptions options, Uri? publicUrl)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Servers = publicUrl is null ? [] : [new OpenApiServer { Url = publicUrl.AbsoluteUri }];
            document.Info.Title = "NDXP Gateway admin API";
            document.Info.Description =
                "Operators manage agencies, clients, services and grants, read usage and the audit trail. Admin port only; "
                + "every endpoint but this document needs a token of a client with the operator role. Errors are RFC 9457 "
                + "problem+json with a stable type (urn:ndxp:problem:*).";
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
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

    /// <summary>The document (from <see cref="AdminDocument"/>'s cache) and the page, on the admin plane.</summary>
    public static IEndpointRouteBuilder MapAdminDocs(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(DocumentPath, (HttpContext context, AdminDocument document) => document.ServeAsync(context))
            .ExcludeFromDescription()
            .OnAdminPlane()
            .RequireRateLimiting(OpenEndpointLimits.DocumentsPolicy);
        endpoints.MapSwaggerUI(PagePrefix, options =>
            {
                options.DocumentTitle = "NDXP Gateway admin API";
                options.SwaggerEndpoint(DocumentPath, "NDXP Gateway admin API v1");
            })
            .OnAdminPlane()
            .RequireRateLimiting(OpenEndpointLimits.DocumentsPolicy);
        return endpoints;
    }
}
