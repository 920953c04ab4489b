namespace Ndxp.Gateway.Registry;

/// <summary>
/// An agency's request for a grant: the service, the purposes with their legal basis, the volume it expects and how
/// long it needs access. Two pairs of eyes decide it: the provider agency's approver, then a platform operator; the
/// operator's approval creates the grant in the same commit. Unanswered by <see cref="AnswerBy"/>, it expires. Kept in
/// the registry so each step goes through the audited commit path; workflow state, never written by a declarative file.
/// </summary>
public sealed record AccessRequest
{
    public required string Id { get; init; }

    public required string ConsumerAgency { get; init; }

    public required string Service { get; init; }

    public IReadOnlyList<string> Methods { get; init; } = ["GET"];

    public required IReadOnlyList<RequestedPurpose> Purposes { get; init; }

    /// <summary>Calls a day the agency expects to make; the operator's approval makes it the grant's daily quota unless told otherwise.</summary>
    public long ExpectedDailyCalls { get; init; }

    /// <summary>Until when access is needed; open-ended when null.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>Who asked: the person signed in to the portal, or the client of the portal API.</summary>
    public required string RequestedBy { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>The answer time limit, in working days from <see cref="RequestedAt"/>; past it, an undecided request has expired.</summary>
    public required DateTimeOffset AnswerBy { get; init; }

    public RequestDecision? ProviderDecision { get; init; }

    public RequestDecision? OperatorDecision { get; init; }

    /// <summary>The grant the operator's approval created.</summary>
    public string? GrantId { get; init; }

    public AccessRequestState StateAt(DateTimeOffset now) => (ProviderDecision, OperatorDecision) switch
    {
        ({ Approved: false }, _) or (_, { Approved: false }) => AccessRequestState.Rejected,
        (_, { Approved: true }) => AccessRequestState.Approved,
        _ when now > AnswerBy => AccessRequestState.Expired,
        ({ Approved: true }, null) => AccessRequestState.AwaitingOperator,
        _ => AccessRequestState.AwaitingProvider,
    };
}

/// <summary>A purpose of use and the law or contract that allows it.</summary>
public sealed record RequestedPurpose
{
    public required string Purpose { get; init; }

    public required string LegalBasis { get; init; }
}

/// <summary>One approver's answer, with the reason they gave.</summary>
public sealed record RequestDecision
{
    public required string By { get; init; }

    public string? Agency { get; init; }

    public required DateTimeOffset At { get; init; }

    public required bool Approved { get; init; }

    public required string Reason { get; init; }
}

public enum AccessRequestState
{
    AwaitingProvider,
    AwaitingOperator,
    Approved,
    Rejected,
    Expired,
}
