using Ndxp.Gateway.Access;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.AccessRequests;

/// <summary>
/// The access request workflow over HTTP, the same steps as the portal's and console's pages: for agencies' clients on
/// the data port under <c>/portal/v1</c> (ask; a provider's client with the approver role decides first; the catalogue),
/// and for operators on the admin port under <c>/admin/v1/access-requests</c> (the platform's decision).
/// </summary>
internal static class AccessRequestApi
{
    public const string PortalPrefix = "/portal/v1";

    public static IEndpointRouteBuilder MapAccessRequestApi(this IEndpointRouteBuilder endpoints)
    {
        var portal = endpoints.MapGroup(PortalPrefix).WithTags("portal").AddEndpointFilter<AgencyClient>()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        portal.MapGet("/catalogue", (RegistrySnapshotProvider snapshots) =>
        {
            var document = snapshots.Current.Document;
            return Results.Json(document.Services.Where(s => s.Status == EntityStatus.Active).OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => new CatalogueEntry(
                s.Id, s.Name, s.Provider, RegistryEntityKind.Agencies.Find(document, s.Provider)?.Name, s.Description, s.PathPrefix, s.Methods, s.PersonalData, s.Purposes,
                RegistryEntityKind.ApiDocuments.Find(document, s.Id) is null ? null : $"{PortalPrefix}/catalogue/{s.Id}/openapi")).ToList(), RegistryJson.Options);
        })
        .WithSummary("The service catalogue: every active service with its provider, methods, personal-data flag and accepted purposes")
        .Produces<List<CatalogueEntry>>();

        portal.MapGet("/catalogue/{service}/openapi", (string service, RegistrySnapshotProvider snapshots) =>
            RegistryEntityKind.ApiDocuments.Find(snapshots.Current.Document, service) is { } api
                ? Results.Text(api.Document.GetRawText(), "application/json; charset=utf-8")
                : ProblemResponses.Result(ProblemKind.EntityNotFound, $"Service '{service}' has no registered OpenAPI document."))
        .WithSummary("The OpenAPI document the provider registered for a service")
        .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound);

        portal.MapGet("/access-requests", (HttpContext context, RegistrySnapshotProvider snapshots, AccessRequestWorkflow workflow) =>
        {
            var agency = CallerOf(context).Agency;
            var document = snapshots.Current.Document;
            return Results.Json(AccessRequestWorkflow.Concerning(document, agency).Select(r => AccessRequestView.Of(r, workflow)).ToList(), RegistryJson.Options);
        })
        .WithSummary("The caller's agency's access requests, and those to its services")
        .Produces<List<AccessRequestView>>();

        portal.MapPost("/access-requests", (HttpContext context, AccessRequestWorkflow workflow) => RegistryAdminApi.Guarded(async () =>
        {
            var caller = CallerOf(context);
            var input = await AdminBody.ReadAsync<AccessRequestInput>(context);
            var request = await workflow.SubmitAsync(AdminCommit.ActorOf(context), caller.Agency, input, context.RequestAborted);
            return Results.Json(AccessRequestView.Of(request, workflow), RegistryJson.Options, statusCode: StatusCodes.Status201Created);
        }))
        .WithSummary("Ask for a grant for the caller's agency: service, purposes with their legal basis, expected calls per day, until when")
        .WithJsonBody<AccessRequestInput>().Produces<AccessRequestView>(StatusCodes.Status201Created)
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        foreach (var (action, approve) in new[] { ("approve", true), ("reject", false) })
        {
            portal.MapPost("/access-requests/{id}/" + action, (string id, HttpContext context, AccessRequestWorkflow workflow) =>
                RegistryAdminApi.Guarded(async () =>
                {
                    var body = await AdminBody.ReadAsync<DecisionBody>(context);
                    var decided = await workflow.DecideAsProviderAsync(AdminCommit.ActorOf(context), CallerOf(context).Agency, id, approve, body.Reason, context.RequestAborted);
                    return Results.Json(AccessRequestView.Of(decided, workflow), RegistryJson.Options);
                }))
            .AddEndpointFilter<ApproverOnly>()
            .WithSummary($"The provider's decision ({action}), by a client with the approver role of the agency providing the service")
            .WithJsonBody<DecisionBody>().Produces<AccessRequestView>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        }

        var admin = endpoints.MapGroup($"{RegistryAdminApi.Prefix}/access-requests").WithTags("access-requests").AddEndpointFilter<OperatorOnly>().OnAdminPlane()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        admin.MapGet("", (RegistrySnapshotProvider snapshots, AccessRequestWorkflow workflow) =>
            Results.Json(snapshots.Current.Document.AccessRequests.OrderByDescending(r => r.RequestedAt).Select(r => AccessRequestView.Of(r, workflow)).ToList(), RegistryJson.Options))
        .WithSummary("Every access request with its state and answer clock")
        .Produces<List<AccessRequestView>>();

        foreach (var (action, approve) in new[] { ("approve", true), ("reject", false) })
        {
            admin.MapPost("/{id}/" + action, (string id, HttpContext context, AccessRequestWorkflow workflow) => RegistryAdminApi.Guarded(async () =>
            {
                var body = await AdminBody.ReadAsync<DecisionBody>(context);
                var decided = await workflow.DecideAsOperatorAsync(AdminCommit.ActorOf(context), id, approve, body.Reason, body.DailyQuota, context.RequestAborted);
                return Results.Json(AccessRequestView.Of(decided, workflow), RegistryJson.Options);
            }))
            .WithSummary(approve
                ? "The platform's approval, after the provider's: creates the grant (dailyQuota, else the expected calls per day)"
                : "The platform's rejection, after the provider's approval")
            .WithJsonBody<DecisionBody>().Produces<AccessRequestView>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        }

        return endpoints;
    }

    // The group's filter (AgencyClient) let only an identified caller through.
    private static Caller CallerOf(HttpContext context) => Caller.From(context.User) ?? throw new System.Diagnostics.UnreachableException();
}

/// <summary>A decision's body: the reason (required), and for the platform's approval the grant's daily quota.</summary>
internal sealed record DecisionBody(string? Reason, long? DailyQuota = null);

/// <summary>A service as the catalogue lists it.</summary>
internal sealed record CatalogueEntry(
    string Id, string? Name, string Provider, string? ProviderName, string? Description, string PathPrefix, IReadOnlyList<string> Methods,
    bool PersonalData, IReadOnlyList<string> Purposes, string? OpenApi);

/// <summary>An access request with its state and the working days left to answer it (negative once past).</summary>
internal sealed record AccessRequestView(AccessRequest Request, string State, int WorkingDaysLeft)
{
    public static AccessRequestView Of(AccessRequest request, AccessRequestWorkflow workflow) =>
        new(request, AccessRequestWorkflow.Name(request.StateAt(workflow.Now)), workflow.Options.WorkingDaysLeft(workflow.Now, request.AnswerBy));
}
