namespace Ndxp.Gateway.Registry;

/// <summary>
/// A consumer agency whose calls citizens do not see in their access trail, as Estonia's Data Tracker hides
/// investigative bodies: the calls are still recorded, and auditors still see them. Keyed by the agency's code; the
/// reason (the legal basis) is required, and the entry is audited like every registry change.
/// </summary>
public sealed record TrailExclusion
{
    public required string Agency { get; init; }

    public required string Reason { get; init; }
}
