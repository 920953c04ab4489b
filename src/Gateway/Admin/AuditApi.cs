using System.Text.Json.Nodes;
using Ndxp.Gateway.Audit;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// The audit trail of registry changes, operators only: <c>GET /admin/v1/audit</c> pages through it (oldest first
/// <c>after</c> a sequence, or with <c>order=newest</c> newest first <c>before</c> one; optionally for one <c>kind</c>,
/// <c>id</c> and <c>actor</c>), <c>GET /admin/v1/audit/verify</c> checks
/// the hash chain and names the first broken link.
/// </summary>
internal static class AuditApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup($"{RegistryAdminApi.Prefix}/audit").WithTags("audit").AddEndpointFilter<OperatorOnly>().OnAdminPlane()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("", async (IRegistryStore store, HttpContext context) =>
        {
            var query = context.Request.Query;
            if (!QueryNumber.TryRead(query, "after", 0, long.MaxValue, 0, out var after) || !QueryNumber.TryRead(query, "limit", 1, MaxLimit, DefaultLimit, out var limit))
            {
                return ProblemResponses.Result(ProblemKind.InvalidQuery, $"after must be a sequence number (0 or more) and limit from 1 to {MaxLimit}.");
            }

            var newestFirst = query["order"].ToString() switch
            {
                "" or "oldest" => false,
                "newest" => true,
                _ => (bool?)null,
            };
            if (newestFirst is null || !QueryNumber.TryRead(query, "before", 1, long.MaxValue, long.MaxValue, out var before) || (query.ContainsKey("before") && !newestFirst.Value))
            {
                return ProblemResponses.Result(ProblemKind.InvalidQuery, "order must be oldest (the default, paged with after) or newest (paged with before).");
            }

            var page = await store.ReadAuditAsync(
                new AuditQuery((int)limit)
                {
                    After = after,
                    Before = newestFirst.Value && query.ContainsKey("before") ? before : null,
                    NewestFirst = newestFirst.Value,
                    Kind = Filter(query, "kind"),
                    EntityId = Filter(query, "id"),
                    Actor = Filter(query, "actor"),
                },
                context.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(new AuditPage([.. page.Select(AuditEntryView.Of)], page.Count == limit ? page[^1].Sequence : null));
        })
        .WithSummary("Read the audit trail, oldest first (follow 'next' as 'after') or with order=newest newest first (follow 'next' as 'before'); filter by kind, id and actor")
        .Produces<AuditPage>().ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/verify", async (IRegistryStore store, HttpContext context) =>
            Results.Json(await AuditVerifier.VerifyAsync(store, context.RequestAborted)))
        .WithSummary("Verify the audit trail's hash chain; names the first broken link")
        .Produces<AuditVerification>();
        return endpoints;
    }

    private static string? Filter(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } value ? value : null;
}

/// <summary>A page of the trail; <see cref="Next"/> is the <c>after</c> (or, newest first, <c>before</c>) of the next page, null at the end.</summary>
internal sealed record AuditPage(IReadOnlyList<AuditEntryView> Items, long? Next);

/// <summary>An audit entry as the API shows it: the entity before and after as JSON objects rather than strings.</summary>
internal sealed record AuditEntryView(
    long Sequence, DateTimeOffset At, string Actor, string? ActorAgency, string? Source, string Action, string Kind, string EntityId,
    JsonNode? Before, JsonNode? After, long Revision, string PreviousHash, string Hash)
{
    public static AuditEntryView Of(AuditEntry e) => new(
        e.Sequence, e.At, e.Actor, e.ActorAgency, e.Source, e.Action, e.Kind, e.EntityId,
        e.Before is null ? null : JsonNode.Parse(e.Before), e.After is null ? null : JsonNode.Parse(e.After), e.Revision, e.PreviousHash, e.Hash);
}
