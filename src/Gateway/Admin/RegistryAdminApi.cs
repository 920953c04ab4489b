using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// Create, read, update, suspend, activate and delete agencies, clients, services and grants at
/// <c>/admin/v1/{collection}[/{id}]</c> on the admin plane, operators only. Every change is validated against the
/// whole registry (a grant naming an unknown service, a deleted agency still holding clients: 422 naming the field),
/// guarded by ETags, recorded in the audit trail and in effect on this replica before the answer.
/// </summary>
internal static class RegistryAdminApi
{
    public const string Prefix = "/admin/v1";

    public static IEndpointRouteBuilder MapRegistryAdminApi(this IEndpointRouteBuilder endpoints)
    {
        MapResource(endpoints, AdminResources.Agencies);
        MapResource(endpoints, AdminResources.Clients);
        MapResource(endpoints, AdminResources.Services);
        MapResource(endpoints, AdminResources.Grants);
        MapResource(endpoints, AdminResources.Revocations);
        MapResource(endpoints, AdminResources.TrailExclusions);
        MapResource(endpoints, AdminResources.ApiDocuments);
        return endpoints;
    }

    private static void MapResource<T>(IEndpointRouteBuilder endpoints, AdminResource<T> resource)
        where T : class
    {
        var kind = resource.Kind;
        var group = endpoints.MapGroup($"{Prefix}/{kind.Name}").WithTags(kind.Name).AddEndpointFilter<OperatorOnly>().OnAdminPlane()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("", async (AdminCommit admin, HttpContext context) =>
        {
            var stored = await admin.Store.ReadAsync(context.RequestAborted);
            return Results.Json(new EntityList<T>(stored.Revision, kind.In(stored.Document).Select(resource.Present).ToList()), RegistryJson.Options);
        })
        .WithSummary($"List {kind.Name}").Produces<EntityList<T>>();

        group.MapGet("/{id}", async (string id, AdminCommit admin, HttpContext context) =>
        {
            var stored = await admin.Store.ReadAsync(context.RequestAborted);
            if (kind.Find(stored.Document, id) is not { } entity)
            {
                return NotFound(kind, id);
            }

            context.Response.Headers.ETag = EntityTags.For(stored.VersionOf(kind.Kind, id)!.Value);
            return Results.Json(resource.Present(entity), RegistryJson.Options);
        })
        .WithSummary($"Read one of the {kind.Name}; the ETag header is the version to send back in If-Match")
        .Produces<T>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("", (AdminCommit admin, HttpContext context) => Guarded(async () =>
        {
            var body = resource.Prepare(await AdminBody.ReadAsync<T>(context), null);
            var (entity, created) = resource.Create(body);
            var id = kind.IdOf(entity);
            return await admin.RunAsync(context, stored =>
            {
                if (kind.Find(stored.Document, id) is not null)
                {
                    throw new AdminRefusal(ProblemKind.EntityExists, $"{kind.Kind} '{id}' already exists; change it with PUT {Prefix}/{kind.Name}/{id}.");
                }

                return Planned(stored, kind.Put(stored.Document, entity));
            },
            result =>
            {
                context.Response.Headers.ETag = EntityTags.For(result.Revision);
                return Results.Json(created, RegistryJson.Options, statusCode: StatusCodes.Status201Created)
                    .WithLocation($"{Prefix}/{kind.Name}/{Uri.EscapeDataString(id)}", context);
            });
        }))
        .WithSummary($"Create one of the {kind.Name}")
        .WithJsonBody<T>().Produces<T>(StatusCodes.Status201Created)
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPut("/{id}", (string id, AdminCommit admin, HttpContext context) => Guarded(async () =>
        {
            var ifMatch = EntityTags.IfMatch(context, required: true);
            var body = await AdminBody.ReadAsync<T>(context);
            if (!string.Equals(kind.IdOf(body), id, StringComparison.Ordinal))
            {
                throw AdminRefusal.InvalidField(kind.IdField, $"The body's id '{kind.IdOf(body)}' is not the id in the path '{id}'; ids cannot be changed (create a new entity instead).");
            }

            T? written = null;
            return await admin.RunAsync(context, stored =>
            {
                written = resource.Prepare(body, Existing(kind, stored, id, ifMatch));
                return Planned(stored, kind.Put(stored.Document, written));
            }, result => Written(context, resource, written!, result));
        }))
        .WithSummary($"Replace one of the {kind.Name} (If-Match required)")
        .WithJsonBody<T>().Produces<T>()
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        group.MapDelete("/{id}", (string id, AdminCommit admin, HttpContext context) => Guarded(async () =>
        {
            var ifMatch = EntityTags.IfMatch(context, required: true);
            return await admin.RunAsync(context, stored =>
            {
                Existing(kind, stored, id, ifMatch);
                return Planned(stored, kind.Remove(stored.Document, id));
            }, _ => Results.NoContent());
        }))
        .WithSummary($"Delete one of the {kind.Name} (If-Match required); refused while other entities refer to it")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status428PreconditionRequired);

        foreach (var (action, status) in resource.HasStatus ? [("suspend", EntityStatus.Suspended), ("activate", EntityStatus.Active)] : Array.Empty<(string, EntityStatus)>())
        {
            group.MapPost("/{id}/" + action, (string id, AdminCommit admin, HttpContext context) => Guarded(async () =>
            {
                var ifMatch = EntityTags.IfMatch(context, required: false);
                T? written = null;
                return await admin.RunAsync(context, stored =>
                {
                    written = kind.WithStatus(Existing(kind, stored, id, ifMatch), status);
                    return Planned(stored, kind.Put(stored.Document, written), action);
                }, result => Written(context, resource, written!, result));
            }))
            .WithSummary($"Set one of the {kind.Name} to {status.ToString().ToLowerInvariant()} (If-Match optional)")
            .Produces<T>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        }

        if (resource is AdminResource<Client>)
        {
            ClientSecretApi.Map(group);
            ClientKeysApi.Map(group);
        }
    }

    /// <summary>Runs a handler step that may refuse before the commit (bad body, missing If-Match).</summary>
    internal static async Task<IResult> Guarded(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (AdminRefusal refusal)
        {
            return refusal.ToResult();
        }
    }

    /// <summary>
    /// Commits a change to one client's sub-resource (its keys, its secret): <paramref name="change"/> gets the stored
    /// client (404, If-Match optional: 412) and returns it changed, or throws an <see cref="AdminRefusal"/>; the answer is
    /// the written client with its ETag, or what <paramref name="answer"/> makes of it.
    /// </summary>
    internal static Task<IResult> ChangeClientAsync(
        HttpContext context, AdminCommit admin, string id, Func<Client, Client> change, string action, Func<Client, IResult>? answer = null) =>
        Guarded(async () =>
        {
            var ifMatch = EntityTags.IfMatch(context, required: false);
            Client? changed = null;
            return await admin.RunAsync(context, stored =>
            {
                changed = change(Existing(RegistryEntityKind.Clients, stored, id, ifMatch));
                return Planned(stored, RegistryEntityKind.Clients.Put(stored.Document, changed), action);
            },
            result =>
            {
                var written = Written(context, AdminResources.Clients, changed!, result);
                return answer is null ? written : answer(changed!);
            });
        });

    /// <summary>The stored entity, after checking it exists (404) and If-Match matches its version (412).</summary>
    internal static T Existing<T>(RegistryEntityKind<T> kind, StoredRegistry stored, string id, string? ifMatch)
        where T : class
    {
        var existing = kind.Find(stored.Document, id)
            ?? throw new AdminRefusal(ProblemKind.EntityNotFound, $"There is no {kind.Kind} '{id}'.");
        EntityTags.Check(ifMatch, stored.VersionOf(kind.Kind, id)!.Value);
        return existing;
    }

    /// <summary>The changes to reach <paramref name="next"/>, after validating it as a whole registry.</summary>
    internal static IReadOnlyList<EntityChange> Planned(StoredRegistry stored, RegistryDocument next, string updateAction = RegistryDiff.Update)
    {
        RegistryDiff.EnsureValid(next);
        return RegistryDiff.Between(stored.Document, next, updateAction);
    }

    /// <summary>The answer to a write: the entity and its new ETag (unchanged when the write changed nothing).</summary>
    internal static IResult Written<T>(HttpContext context, AdminResource<T> resource, T written, RegistryCommitResult result)
        where T : class
    {
        context.Response.Headers.ETag = EntityTags.For(result.VersionOf(resource.Kind.Kind, resource.Kind.IdOf(written))!.Value);
        return Results.Json(resource.Present(written), RegistryJson.Options);
    }

    private static IResult NotFound(RegistryEntityKind kind, string id) =>
        ProblemResponses.Result(ProblemKind.EntityNotFound, $"There is no {kind.Kind} '{id}'.");

    private static IResult WithLocation(this IResult result, string location, HttpContext context)
    {
        context.Response.Headers.Location = location;
        return result;
    }
}

/// <summary>A collection answer: the registry revision it was read at and the entities.</summary>
internal sealed record EntityList<T>(long Revision, IReadOnlyList<T> Items);
