using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Audit;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.AccessRequests;

/// <summary>
/// The access request workflow, the same from the portal's and console's pages and from the portal and admin APIs:
/// an agency asks, the provider agency's approver decides, then a platform operator (someone else); the operator's
/// approval creates the grant in the same commit. Every step is a registry commit through <see cref="AdminCommit"/>
/// (validated, audited as the person or client who took it, in effect before the answer), decided against the stored
/// registry inside the commit, so two approvers acting at once cannot both pass one step.
/// </summary>
internal sealed class AccessRequestWorkflow(AdminCommit admin, IOptions<AccessRequestOptions> options, TimeProvider clock)
{
    public const string SubmitAction = "submit";

    public AccessRequestOptions Options => options.Value;

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<AccessRequest> SubmitAsync(AuditActor actor, string consumerAgency, AccessRequestInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(input);
        // A JSON body may leave out or null what the record declares non-null: refused here, by field, not by a crash.
        if (input.Service is null || input.Purposes is null || input.Purposes.Any(p => p is null) || input.Methods?.Any(m => m is null) == true)
        {
            throw AdminRefusal.InvalidField(input.Service is null ? "service" : input.Purposes is null || input.Purposes.Any(p => p is null) ? "purposes" : "methods",
                "service, and purposes as a list of {purpose, legalBasis}, are required; methods, when given, name HTTP methods.");
        }

        var now = clock.GetUtcNow();
        var request = new AccessRequest
        {
            Id = $"ar-{now:yyyyMMdd}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}",
            ConsumerAgency = consumerAgency,
            Service = input.Service,
            Methods = input.Methods is { Count: > 0 } methods ? [.. methods.Select(m => m.ToUpperInvariant()).Distinct(StringComparer.Ordinal)] : ["GET"],
            Purposes = input.Purposes,
            ExpectedDailyCalls = input.ExpectedDailyCalls,
            ValidUntil = input.ValidUntil,
            RequestedBy = actor.Actor,
            RequestedAt = now,
            AnswerBy = options.Value.AnswerBy(now),
        };
        await admin.CommitAsync(actor, stored =>
        {
            var service = RegistryEntityKind.Services.Find(stored.Document, request.Service);
            if (service is not { Status: EntityStatus.Active })
            {
                throw AdminRefusal.InvalidField("service", $"There is no active service '{request.Service}'.");
            }

            // Its own service needs no request, and must not be approved by its own approver.
            if (service.Provider == consumerAgency)
            {
                throw AdminRefusal.InvalidField("service", $"'{service.Id}' is your agency's own service: grants to it are given by the platform's operators.");
            }

            if (RegistryEntityKind.Agencies.Find(stored.Document, consumerAgency) is not { Status: EntityStatus.Active })
            {
                throw new AdminRefusal(ProblemKind.AgencySuspended, $"Agency '{consumerAgency}' is not active.");
            }

            if (RegistryEntityKind.AccessRequests.Find(stored.Document, request.Id) is not null)
            {
                throw new AdminRefusal(ProblemKind.EntityExists, $"Access request '{request.Id}' already exists; send the request again.");
            }

            if (request.Methods.FirstOrDefault(m => !service.Methods.Contains(m, StringComparer.Ordinal)) is { } method)
            {
                throw AdminRefusal.InvalidField("methods", $"Service '{service.Id}' does not offer {method} (it offers {string.Join(", ", service.Methods)}).");
            }

            if (service.Purposes.Count > 0 && request.Purposes.FirstOrDefault(p => !service.Purposes.Contains(p.Purpose, StringComparer.Ordinal)) is { } purpose)
            {
                throw AdminRefusal.InvalidField("purposes", $"Service '{service.Id}' does not accept the purpose '{purpose.Purpose}' (it accepts {string.Join(", ", service.Purposes)}).");
            }

            if (request.ValidUntil <= now)
            {
                throw AdminRefusal.InvalidField("validUntil", "validUntil must be in the future.");
            }

            return RegistryAdminApi.Planned(stored, RegistryEntityKind.AccessRequests.Put(stored.Document, request));
        }, cancellationToken);
        return request;
    }

    /// <summary>The provider's decision, by an approver of <paramref name="approverAgency"/> (the caller checked the approver role).</summary>
    public Task<AccessRequest> DecideAsProviderAsync(AuditActor actor, string approverAgency, string id, bool approve, string? reason, CancellationToken cancellationToken) =>
        DecideAsync(actor, id, AccessRequestState.AwaitingProvider, approve ? "provider-approve" : "provider-reject", (stored, request, now) =>
        {
            if (RegistryEntityKind.Services.Find(stored.Document, request.Service)?.Provider != approverAgency
                || RegistryEntityKind.Agencies.Find(stored.Document, approverAgency) is not { Status: EntityStatus.Active })
            {
                throw new AdminRefusal(ProblemKind.ApproverRoleRequired, $"Only approvers of the (active) agency providing '{request.Service}' decide this request first.");
            }

            return (request with { ProviderDecision = Decision(actor, approve, reason, now) }, stored.Document);
        }, cancellationToken);

    /// <summary>The platform's decision, after the provider approved; approval creates the grant, with a daily quota of <paramref name="dailyQuota"/> (else the expected volume).</summary>
    public Task<AccessRequest> DecideAsOperatorAsync(AuditActor actor, string id, bool approve, string? reason, long? dailyQuota, CancellationToken cancellationToken) =>
        DecideAsync(actor, id, AccessRequestState.AwaitingOperator, approve ? "approve" : "reject", (stored, request, now) =>
        {
            if (SamePerson(request.ProviderDecision!.By, actor.Actor) || actor.Agency == request.ConsumerAgency || actor.Agency == request.ProviderDecision.Agency)
            {
                throw new AdminRefusal(ProblemKind.SecondApproverRequired,
                    $"'{actor.Actor}' approved this request for the provider or works for one of its agencies; an operator from neither decides for the platform.");
            }

            var decided = request with { OperatorDecision = Decision(actor, approve, reason, now) };
            if (!approve)
            {
                return (decided, stored.Document);
            }

            // What held when the agency asked may not hold now: the grant would be refused on every call, or invalid.
            if (RegistryEntityKind.Services.Find(stored.Document, request.Service) is not { Status: EntityStatus.Active }
                || RegistryEntityKind.Agencies.Find(stored.Document, request.ConsumerAgency) is not { Status: EntityStatus.Active })
            {
                throw new AdminRefusal(ProblemKind.AccessRequestNotPending, $"The service '{request.Service}' or the agency '{request.ConsumerAgency}' is no longer active: reject the request.");
            }

            if (request.ValidUntil <= now)
            {
                throw new AdminRefusal(ProblemKind.AccessRequestNotPending, $"The access was asked for until {request.ValidUntil:yyyy-MM-dd}, which has passed: reject the request.");
            }

            if (RegistryEntityKind.Grants.Find(stored.Document, request.Id) is not null)
            {
                throw new AdminRefusal(ProblemKind.EntityExists, $"A grant '{request.Id}' already exists.");
            }

            var grant = new Grant
            {
                Id = request.Id,
                ConsumerAgency = request.ConsumerAgency,
                Service = request.Service,
                Methods = request.Methods,
                Purposes = [.. request.Purposes.Select(p => p.Purpose)],
                ValidFrom = now,
                ValidUntil = request.ValidUntil,
                DailyQuota = dailyQuota ?? (request.ExpectedDailyCalls > 0 ? request.ExpectedDailyCalls : null),
            };
            return (decided with { GrantId = grant.Id }, RegistryEntityKind.Grants.Put(stored.Document, grant));
        }, cancellationToken);

    private async Task<AccessRequest> DecideAsync(
        AuditActor actor, string id, AccessRequestState awaiting, string action,
        Func<StoredRegistry, AccessRequest, DateTimeOffset, (AccessRequest Decided, RegistryDocument Document)> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = clock.GetUtcNow();
        AccessRequest? decided = null;
        await admin.CommitAsync(actor, stored =>
        {
            var request = RegistryAdminApi.Existing(RegistryEntityKind.AccessRequests, stored, id, ifMatch: null);
            var state = request.StateAt(now);
            if (state != awaiting)
            {
                throw new AdminRefusal(ProblemKind.AccessRequestNotPending, $"Access request '{id}' is {Name(state)}, not {Name(awaiting)}.");
            }

            (decided, var document) = decide(stored, request, now);
            return RegistryAdminApi.Planned(stored, RegistryEntityKind.AccessRequests.Put(document, decided), action);
        }, cancellationToken);
        return decided!;
    }

    private static RequestDecision Decision(AuditActor actor, bool approve, string? reason, DateTimeOffset now) =>
        string.IsNullOrWhiteSpace(reason) || reason.Length > 500
            ? throw AdminRefusal.InvalidField("reason", "Give the reason for the decision (1-500 characters): it is kept with the request and in the audit trail.")
            : new RequestDecision { By = actor.Actor, Agency = actor.Agency, At = now, Approved = approve, Reason = reason.Trim() };

    // Actors are "{where}:{subject}" (portal:{sub}, console:{sub}, an external authority's client:{sub}): the subject at
    // the identity provider is the person, wherever they act.
    private static bool SamePerson(string first, string second) =>
        string.Equals(first[(first.IndexOf(':', StringComparison.Ordinal) + 1)..], second[(second.IndexOf(':', StringComparison.Ordinal) + 1)..], StringComparison.Ordinal);

    /// <summary>The requests an agency sees: its own, and those to the services it provides; newest first.</summary>
    public static IEnumerable<AccessRequest> Concerning(RegistryDocument document, string agency) =>
        document.AccessRequests
            .Where(r => r.ConsumerAgency == agency || RegistryEntityKind.Services.Find(document, r.Service)?.Provider == agency)
            .OrderByDescending(r => r.RequestedAt);

    public static string Name(AccessRequestState state) => state switch
    {
        AccessRequestState.AwaitingProvider => "awaiting-provider",
        AccessRequestState.AwaitingOperator => "awaiting-operator",
        AccessRequestState.Approved => "approved",
        AccessRequestState.Rejected => "rejected",
        _ => "expired",
    };
}

/// <summary>What an agency asks for.</summary>
public sealed record AccessRequestInput(string Service, IReadOnlyList<RequestedPurpose> Purposes, long ExpectedDailyCalls, DateTimeOffset? ValidUntil, IReadOnlyList<string>? Methods = null);
