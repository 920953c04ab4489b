using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway;

/// <summary>
/// What the gateway learnt about one data call as it passed each step: who called, which service, for what purpose,
/// and why it was refused or failed. Forwarding, logs and (later) metering read it instead of re-deriving it.
/// Kept as an <see cref="HttpContext"/> feature; it holds no path, query or body, which may carry personal data.
/// </summary>
public sealed class GatewayCall
{
    public required string TransactionId { get; init; }

    public string? ServiceId { get; set; }

    public string? Agency { get; set; }

    public string? ClientId { get; set; }

    public string? Purpose { get; set; }

    public ProblemKind? Problem { get; set; }
}

public static class GatewayCallExtensions
{
    /// <summary>The call's record; null only for requests that did not pass the transaction step (admin plane).</summary>
    public static GatewayCall? GetGatewayCall(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<GatewayCall>();
    }
}
