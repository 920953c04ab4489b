namespace Ndxp.Gateway.DemoProviders;

/// <summary>The caller identity the gateway forwarded to the provider, echoed back in demo answers.</summary>
public sealed record ServedTo(string? Agency, string? Client, string? Purpose, string? TransactionId)
{
    public static ServedTo From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(
            request.Headers["X-Consumer-Agency"].ToString(),
            request.Headers["X-Consumer-Client"].ToString(),
            request.Headers["X-Purpose"].ToString(),
            request.Headers["X-Transaction-Id"].ToString());
    }
}
