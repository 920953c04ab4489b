using System.Security.Claims;
using Ndxp.Gateway.Access;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// Admin endpoints answer a valid token whose client is active in the live registry and holds a role there (the role
/// in the token alone is not enough: a role removed by an operator bites at once).
/// </summary>
internal abstract class RoleRequired(RegistrySnapshotProvider snapshots, ProblemKind missing) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (Caller.From(http.User) is not { } caller)
        {
            var kind = http.User.Identity?.IsAuthenticated == true
                ? ProblemKind.TokenInvalid
                : http.Features.Get<TokenFailure>()?.Kind ?? ProblemKind.TokenMissing;
            return ProblemResponses.Result(kind);
        }

        var refusal = GrantEvaluator.CheckCaller(snapshots.Current, caller, out var client);
        if (refusal is null && !Holds(client!, http.User))
        {
            refusal = missing;
        }

        return refusal is { } problem ? ProblemResponses.Result(problem) : await next(context);
    }

    protected abstract bool Holds(Client client, ClaimsPrincipal user);
}

/// <summary>
/// The operator role: held in the registry, or the operator scope of an external authority configured for it (the
/// client still active).
/// </summary>
internal sealed class OperatorOnly(RegistrySnapshotProvider snapshots) : RoleRequired(snapshots, ProblemKind.OperatorRoleRequired)
{
    protected override bool Holds(Client client, ClaimsPrincipal user) =>
        client.Roles.Contains(GatewayClaims.OperatorRole) || user.HasClaim(GatewayClaims.ExternalOperator, "true");
}

/// <summary>Any active client of an active agency: the portal API acts for the caller's own agency.</summary>
internal sealed class AgencyClient(RegistrySnapshotProvider snapshots) : RoleRequired(snapshots, ProblemKind.OperatorRoleRequired)
{
    protected override bool Holds(Client client, ClaimsPrincipal user) => true;
}

/// <summary>The approver role, held in the registry: a provider agency's client deciding access requests to its services.</summary>
internal sealed class ApproverOnly(RegistrySnapshotProvider snapshots) : RoleRequired(snapshots, ProblemKind.ApproverRoleRequired)
{
    protected override bool Holds(Client client, ClaimsPrincipal user) => client.Roles.Contains(GatewayClaims.ApproverRole);
}

/// <summary>The auditor role, held in the registry; the operator role does not include it (separation of duties).</summary>
internal sealed class AuditorOnly(RegistrySnapshotProvider snapshots) : RoleRequired(snapshots, ProblemKind.AuditorRoleRequired)
{
    protected override bool Holds(Client client, ClaimsPrincipal user) => client.Roles.Contains(GatewayClaims.AuditorRole);
}
