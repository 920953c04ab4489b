using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Trail;

/// <summary>
/// <c>GET /trail/v1/me</c> on the data plane: a citizen, signed in through a citizen identity provider, reads who
/// called services about them, when, for what purpose and whether it was allowed; newest first, paged with
/// <c>limit</c> and <c>before</c>; JSON, or CSV with <c>Accept: text/csv</c>. The person is the token's, never a
/// parameter: no one reads another's trail. Agencies excluded by the registry are left out.
/// </summary>
internal static class CitizenTrailApi
{
    public const string Path = "/trail/v1/me";

    public static IEndpointRouteBuilder MapCitizenTrailApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, async (HttpContext context, ITrailStore store, PseudonymKeyRing keys, RegistrySnapshotProvider snapshots, IOptions<TrailOptions> options) =>
        {
            if (context.User.Identity?.IsAuthenticated != true)
            {
                await context.WriteProblemAsync(context.Features.Get<TokenFailure>()?.Kind ?? ProblemKind.TokenMissing);
                return;
            }

            if (context.User.FindFirst(GatewayClaims.CitizenSubject)?.Value is not { Length: > 0 } person)
            {
                await context.WriteProblemAsync(ProblemKind.CitizenTokenRequired);
                return;
            }

            if (!TrailPaging.TryRead(context.Request.Query, options.Value.MaxPageSize, out var limit, out var before, out var error))
            {
                await context.WriteProblemAsync(ProblemKind.InvalidQuery, error);
                return;
            }

            var snapshot = snapshots.Current;
            var entries = await store.ReadTrailAsync(
                new TrailQuery(keys.AllPseudonyms(person), limit) { HiddenAgencies = snapshot.HiddenFromCitizens, Before = before }, context.RequestAborted);
            var page = new TrailPage(entries.Select(e => TrailItem.Of(e, snapshot)).ToList(), entries.Count == limit ? TrailCursor.After(entries[^1]).Encode() : null);
            context.Response.Headers.CacheControl = "no-store";
            if (context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)))
            {
                context.Response.ContentType = "text/csv; charset=utf-8";
                context.Response.Headers[HeaderNames.ContentDisposition] = "attachment; filename=\"access-trail.csv\"";
                await context.Response.WriteAsync(page.ToCsv(), context.RequestAborted);
                return;
            }

            await context.Response.WriteAsJsonAsync(page, context.RequestAborted);
        })
        .WithTags("trail")
        .WithSummary("A citizen's own access trail: who called a service about them, when and why (a citizen authority's token); newest first, paged with limit and before; JSON, or CSV with Accept: text/csv")
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return endpoints;
    }
}

/// <summary>The paging parameters of a trail read: <c>limit</c> (1 to the configured page size) and <c>before</c> (a cursor).</summary>
internal static class TrailPaging
{
    public static bool TryRead(IQueryCollection query, int maxPageSize, out int limit, out TrailCursor? before, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        before = null;
        error = null;
        var readLimit = QueryNumber.TryRead(query, "limit", 1, maxPageSize, maxPageSize, out var number);
        limit = (int)number;
        if (!readLimit)
        {
            error = $"limit must be a number from 1 to {maxPageSize}.";
            return false;
        }

        if (query.TryGetValue("before", out var rawBefore) && (rawBefore.Count != 1 || (before = TrailCursor.Decode(rawBefore.ToString())) is null))
        {
            error = "before must be the 'next' value of the previous page.";
            return false;
        }

        return true;
    }
}
