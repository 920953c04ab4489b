using Ndxp.Gateway.Access;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// Admin endpoints answer only operators: a valid token whose client is active in the live registry and holds the
/// operator role there (the role in the token alone is not enough: a role removed by an operator bites at once), or
/// a token of an external authority carrying the operator scope configured for it (its client still active).
/// </summary>
internal sealed class OperatorOnly(RegistrySnapshotProvider snapshots) : IEndpointFilter
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
        if (refusal is null && !client!.Roles.Contains(GatewayClaims.OperatorRole) && !http.User.HasClaim(GatewayClaims.ExternalOperator, "true"))
        {
            refusal = ProblemKind.OperatorRoleRequired;
        }

        if (refusal is { } problem)
        {
            return ProblemResponses.Result(problem);
        }

        return await next(context);
    }
}
