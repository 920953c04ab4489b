using System.Text.Json;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Trail;

/// <summary>
/// <c>POST /admin/v1/trail/search</c>, auditors only: a person's whole trail, excluded agencies included, with each
/// call's client and transaction. The identifier travels in the body, never in a URL (URLs reach access logs and
/// proxies). Each search is first recorded in the admin audit chain (the subject by its pseudonym, the auditor and
/// the stated reason), so no search goes unrecorded.
/// </summary>
internal static class TrailSearchApi
{
    public const string Path = "/admin/v1/trail/search";
    public const string AuditKind = "trail";
    public const string AuditAction = "search";

    public static IEndpointRouteBuilder MapTrailSearchApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, async (
            HttpContext context, IRegistryStore registry, ITrailStore store, PseudonymKeyRing keys, RegistrySnapshotProvider snapshots,
            IOptions<TrailOptions> options, ILogger<TrailSearch> logger) =>
        {
            TrailSearch search;
            try
            {
                search = await AdminBody.ReadAsync<TrailSearch>(context);
            }
            catch (AdminRefusal refusal)
            {
                return refusal.ToResult();
            }

            var maxPageSize = options.Value.MaxPageSize;
            var before = search.Before is null ? null : TrailCursor.Decode(search.Before);
            if (search.Subject is not { Length: > 0 and <= 64 } || search.Reason is not { Length: <= 500 } || string.IsNullOrWhiteSpace(search.Reason)
                || search.Limit is < 1 || search.Limit > maxPageSize || (search.Before is not null && before is null))
            {
                return ProblemResponses.Result(ProblemKind.InvalidBody,
                    $"subject (1-64 characters) and reason (the case or legal basis, 1-500 characters) are required; limit is 1 to {maxPageSize}; before is the 'next' of the previous page.");
            }

            // Recorded before anything is read: a search that cannot be recorded is not made.
            var subject = keys.AllPseudonyms(search.Subject);
            var active = subject.First(p => p.KeyVersion == keys.ActiveVersion);
            var actor = AdminCommit.ActorOf(context);
            var recorded = JsonSerializer.Serialize(new { subject = $"{active.KeyVersion}:{active.Pseudonym}", reason = search.Reason, search.Limit, search.Before });
            var head = await registry.RecordAsync(
                new EntityChange(AuditKind, $"{active.KeyVersion}:{active.Pseudonym}", AuditAction, null, recorded), actor, context.RequestAborted);
            RegistryChangeLog.Recorded(logger, actor.Actor, AuditKind, AuditAction, head.Sequence, head.Hash);

            var limit = search.Limit ?? maxPageSize;
            var snapshot = snapshots.Current;
            var entries = await store.ReadTrailAsync(new TrailQuery(subject, limit) { Before = before }, context.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(new TrailPage(
                entries.Select(e => TrailItem.ForAuditor(e, snapshot)).ToList(),
                entries.Count == limit ? TrailCursor.After(entries[^1]).Encode() : null));
        })
        .WithTags("trail")
        .WithSummary("Search a person's access trail (auditors only; each search is recorded in the audit trail)")
        .AddEndpointFilter<AuditorOnly>()
        .OnAdminPlane()
        .Accepts<TrailSearch>("application/json")
        .Produces<TrailPage>()
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return endpoints;
    }
}

/// <summary>An auditor's search: the person's identifier, the reason (case or legal basis), and the page wanted.</summary>
internal sealed record TrailSearch(string Subject, string Reason)
{
    public int? Limit { get; init; }

    public string? Before { get; init; }
}
