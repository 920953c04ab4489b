using System.Text.Json.Nodes;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// The registry as one declarative file, for operators who keep it in git: <c>GET /admin/v1/registry</c> exports it
/// (secret hashes left out), <c>PUT /admin/v1/registry?dryRun=true</c> shows what applying a file would add, change
/// and remove, and the same PUT without <c>dryRun</c> applies it in one revision. Applying the same file twice
/// changes nothing the second time.
/// </summary>
internal static class RegistryFileApi
{
    public static IEndpointRouteBuilder MapRegistryFileApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup($"{RegistryAdminApi.Prefix}/registry").WithTags("registry").AddEndpointFilter<OperatorOnly>().OnAdminPlane()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("", async (IRegistryStore store, HttpContext context) =>
        {
            var stored = await store.ReadAsync(context.RequestAborted);
            context.Response.Headers.ETag = EntityTags.For(stored.Revision);
            return Results.Json(DeclarativeRegistry.Export(stored.Document), RegistryJson.Options);
        })
        .WithSummary("Export the whole registry in the declarative file format; the ETag is the registry revision")
        .Produces<RegistryDocument>();

        group.MapPut("", (AdminCommit admin, HttpContext context) => RegistryAdminApi.Guarded(async () =>
        {
            var dryRun = string.Equals(context.Request.Query["dryRun"], "true", StringComparison.OrdinalIgnoreCase);
            var ifMatch = EntityTags.IfMatch(context, required: false);
            var file = await AdminBody.ReadAsync<RegistryDocument>(context);
            if (dryRun)
            {
                try
                {
                    var stored = await admin.Store.ReadAsync(context.RequestAborted);
                    EntityTags.Check(ifMatch, stored.Revision);
                    return Results.Json(RegistryApplyReport.Of(stored.Revision, DeclarativeRegistry.Plan(stored.Document, file), dryRun: true), RegistryJson.Options);
                }
                catch (RegistryValidationException invalid)
                {
                    return AdminRefusal.Invalid(invalid).ToResult();
                }
            }

            return await admin.RunAsync(context, stored =>
            {
                EntityTags.Check(ifMatch, stored.Revision);
                return DeclarativeRegistry.Plan(stored.Document, file);
            }, result =>
            {
                context.Response.Headers.ETag = EntityTags.For(result.Revision);
                return Results.Json(RegistryApplyReport.Of(result.Revision, result.Changes, dryRun: false), RegistryJson.Options);
            });
        }))
        .WithSummary("Apply a declarative registry file (dryRun=true: only report what would change); If-Match takes the revision of the export it was reviewed against")
        .WithJsonBody<RegistryDocument>().Produces<RegistryApplyReport>()
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return endpoints;
    }
}

/// <summary>What applying a file does (or would do): entities added, changed (with the fields that change) and removed.</summary>
public sealed record RegistryApplyReport(bool DryRun, long Revision, IReadOnlyList<EntityRef> Added, IReadOnlyList<EntityRef> Changed, IReadOnlyList<EntityRef> Removed)
{
    public static RegistryApplyReport Of(long revision, IReadOnlyList<EntityChange> changes, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return new(dryRun, revision,
            changes.Where(c => c.Before is null).Select(c => new EntityRef(c.Kind, c.Id)).ToList(),
            changes.Where(c => c.Before is not null && c.After is not null).Select(c => new EntityRef(c.Kind, c.Id, ChangedFields(c.Before!, c.After!))).ToList(),
            changes.Where(c => c.After is null).Select(c => new EntityRef(c.Kind, c.Id)).ToList());
    }

    private static List<string> ChangedFields(string before, string after)
    {
        var old = JsonNode.Parse(before)!.AsObject();
        var now = JsonNode.Parse(after)!.AsObject();
        return old.Select(p => p.Key).Union(now.Select(p => p.Key))
            .Where(key => !JsonNode.DeepEquals(old[key], now[key]))
            .Select(key => key is "secretHash" or "previousSecretHash" ? "secret" : key)
            .Distinct().Order(StringComparer.Ordinal).ToList();
    }
}

public sealed record EntityRef(string Kind, string Id, IReadOnlyList<string>? Fields = null);
