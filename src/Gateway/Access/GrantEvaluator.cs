using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Access;

/// <summary>
/// Default deny: decides from the snapshot whether a caller may call a service with a method for a declared purpose.
/// Pure and allocation-free on the allowed path; the refusal names the most specific reason a caller can act on.
/// </summary>
public static class GrantEvaluator
{
    /// <returns>null when allowed, with the grant that allowed it; otherwise the reason for refusal.</returns>
    public static ProblemKind? Evaluate(
        RegistrySnapshot snapshot,
        ServiceEntry service,
        Caller caller,
        string method,
        string? purpose,
        DateTimeOffset now,
        out Grant? matched)
    {
        ArgumentNullException.ThrowIfNull(service);
        matched = null;

        if (CheckCaller(snapshot, caller, out _) is { } callerRefusal)
        {
            return callerRefusal;
        }

        if (!service.GrantsByAgency.TryGetValue(caller.Agency, out var grants))
        {
            return ProblemKind.NoGrant;
        }

        // Refusals are ranked so the caller hears the reason closest to success among all its grants.
        var refusal = ProblemKind.NoGrant;
        foreach (var grant in grants)
        {
            var reason = Check(grant, service, caller, method, purpose, now);
            if (reason is null)
            {
                matched = grant.Definition;
                return null;
            }

            if (Rank(reason.Value) > Rank(refusal))
            {
                refusal = reason.Value;
            }
        }

        return refusal;
    }

    /// <summary>The caller's client must be registered in the token's agency, and both must be active.</summary>
    public static ProblemKind? CheckCaller(RegistrySnapshot snapshot, Caller caller, out Client? client)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (caller.TokenId is { } jti && snapshot.RevokedTokenIds.Contains(jti))
        {
            client = null;
            return ProblemKind.TokenRevoked;
        }

        if (!snapshot.Clients.TryGetValue(caller.ClientId, out client) || client.Agency != caller.Agency)
        {
            return ProblemKind.ClientUnknown;
        }

        if (client.Status != EntityStatus.Active)
        {
            return ProblemKind.ClientSuspended;
        }

        if (!snapshot.Agencies.TryGetValue(caller.Agency, out var agency) || agency.Status != EntityStatus.Active)
        {
            return ProblemKind.AgencySuspended;
        }

        return null;
    }

    private static ProblemKind? Check(GrantEntry grant, ServiceEntry service, Caller caller, string method, string? purpose, DateTimeOffset now)
    {
        var definition = grant.Definition;
        if (definition.ConsumerClient is { } onlyClient && onlyClient != caller.ClientId)
        {
            return ProblemKind.NoGrant;
        }

        if (definition.Status != EntityStatus.Active
            || (definition.ValidFrom is { } from && now < from)
            || (definition.ValidUntil is { } until && now >= until))
        {
            return ProblemKind.GrantNotInEffect;
        }

        if (!grant.Methods.Contains(method))
        {
            return ProblemKind.MethodNotGranted;
        }

        if (string.IsNullOrEmpty(purpose))
        {
            return service.Definition.PersonalData ? ProblemKind.PurposeRequired : null;
        }

        // A declared purpose is checked even where none is required: the provider receives it as the legal basis.
        return grant.Purposes.Count == 0 || grant.Purposes.Contains(purpose) ? null : ProblemKind.PurposeNotGranted;
    }

    private static int Rank(ProblemKind kind) => kind switch
    {
        ProblemKind.NoGrant => 0,
        ProblemKind.GrantNotInEffect => 1,
        ProblemKind.MethodNotGranted => 2,
        ProblemKind.PurposeRequired => 3,
        ProblemKind.PurposeNotGranted => 3,
        _ => 0,
    };
}
