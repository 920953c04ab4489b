namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>What remembering a client assertion's <c>jti</c> found.</summary>
internal enum AssertionUse
{
    /// <summary>Not seen before; now remembered until the assertion expires.</summary>
    First,

    /// <summary>Already used by this client: a replay.</summary>
    Replayed,

    /// <summary>Could not be remembered (the local store is full of live entries): refused, since a replay could not be told.</summary>
    NotRemembered,
}

/// <summary>
/// The <c>jti</c> of every client assertion accepted, per client, until the assertion expires (RFC 7523 section 3,
/// item 7): an assertion authenticates once. Shared by all replicas through Redis, or local to one.
/// </summary>
internal interface IUsedAssertions
{
    /// <summary>Records a verified assertion's <c>jti</c> until <paramref name="until"/>, unless the client already used it.</summary>
    ValueTask<AssertionUse> UseAsync(string clientId, string jti, DateTimeOffset until);
}
