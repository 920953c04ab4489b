using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>The outcome of checking a client assertion: null reason when it is valid, else a fixed metric label.</summary>
internal readonly record struct AssertionCheck(string? FailureReason, string Description)
{
    public bool Valid => FailureReason is null;
}

/// <summary>private_key_jwt (RFC 7523, OpenID Connect Core section 9): to be built.</summary>
internal sealed class ClientAssertionValidator
{
    /// <summary>The client id the assertion claims (its unverified <c>sub</c>), so lock-outs apply before any signature check.</summary>
    public static string? ClaimedClientId(string assertion) => null;

#pragma warning disable CA1822 // The placeholder the private_key_jwt work replaces.
    public ValueTask<AssertionCheck> ValidateAsync(string assertion, Client client, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new AssertionCheck("unsupported", "private_key_jwt is not available yet."));
#pragma warning restore CA1822
}
