using Microsoft.Net.Http.Headers;
using Ndxp.Gateway.Access;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// Usage reports: every agency's on the admin plane for operators (<c>GET /admin/v1/usage</c>), and an agency's own
/// on the data plane with its own token (<c>GET /usage/v1/me</c>). JSON, or CSV with <c>Accept: text/csv</c>.
/// </summary>
internal static class UsageApi
{
    public const string OwnUsagePath = "/usage/v1/me";

    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/v1/usage", (HttpContext context, IUsageStore store, TimeProvider time) =>
                ReportAsync(context, store, time, agency: null))
            .AddEndpointFilter<OperatorOnly>()
            .OnAdminPlane()
            .WithTags("usage")
            .WithSummary("Every agency's usage by hour, day or month (from, to, granularity, agency, client, service); JSON, or CSV with Accept: text/csv")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        endpoints.MapGet(OwnUsagePath, async (HttpContext context, IUsageStore store, TimeProvider time, RegistrySnapshotProvider snapshots) =>
        {
            if (Caller.From(context.User) is not { } caller)
            {
                await context.WriteProblemAsync(context.Features.Get<TokenFailure>()?.Kind ?? ProblemKind.TokenMissing);
                return;
            }

            if (GrantEvaluator.CheckCaller(snapshots.Current, caller, out _) is { } refusal)
            {
                await context.WriteProblemAsync(refusal);
                return;
            }

            if (context.Request.Query.TryGetValue("agency", out var asked) && asked.ToString() != caller.Agency)
            {
                await context.WriteProblemAsync(ProblemKind.OperatorRoleRequired, "Only operators see other agencies' usage.");
                return;
            }

            await ReportAsync(context, store, time, caller.Agency);
        })
        .WithTags("usage")
        .WithSummary("The calling client's agency's own usage, with the agency's token; JSON, or CSV with Accept: text/csv")
        .Produces(StatusCodes.Status200OK, contentType: "application/json").Produces(StatusCodes.Status200OK, contentType: "text/csv")
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return endpoints;
    }

    private static async Task ReportAsync(HttpContext context, IUsageStore store, TimeProvider time, string? agency)
    {
        if (!UsageQuery.TryParse(context.Request.Query, time.GetUtcNow(), out var query, out var error))
        {
            await context.WriteProblemAsync(ProblemKind.InvalidQuery, error);
            return;
        }

        if (agency is not null)
        {
            query = query! with { Filter = query.Filter with { Agency = agency } };
        }

        var report = UsageReport.Build(query!, await store.QueryAsync(query!.Filter, context.RequestAborted));
        context.Response.Headers.CacheControl = "no-store";
        if (context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers[HeaderNames.ContentDisposition] = "attachment; filename=\"usage.csv\"";
            await context.Response.WriteAsync(report.ToCsv(), context.RequestAborted);
            return;
        }

        await context.Response.WriteAsJsonAsync(report.ToJson(), context.RequestAborted);
    }
}
