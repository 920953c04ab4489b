using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Identity;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Ndxp.Gateway.Forwarding;

/// <summary>
/// What a provider is told about a call: only what the gateway verified. The caller's token and cookies stay at the
/// gateway; caller-sent identity headers are dropped and replaced by the verified agency, client, purpose and
/// transaction id. <c>X-Forwarded-Host</c> is the gateway's configured public host (its issuer's), never the caller's
/// <c>Host</c>, which a provider building links from it would otherwise reflect.
/// </summary>
internal sealed class IdentityHeadersTransformProvider : ITransformProvider
{
    public const string ConsumerHeaderPrefix = "X-Consumer-";
    public const string AgencyHeader = "X-Consumer-Agency";
    public const string ClientHeader = "X-Consumer-Client";

    // Headers a caller could use to tell a provider something the gateway did not verify: where the call came from,
    // which URL or method it "really" is (IIS and framework overrides), trace state and baggage (W3C and the older
    // Correlation-Context/Request-Id) that the gateway neither checked nor owns: the provider gets the gateway's own
    // traceparent, which continues the caller's only for an authenticated caller (Observability/CallerTrace).
    // YARP sets X-Forwarded-For/-Proto/-Prefix itself, replacing the caller's; X-Forwarded-Host is set below.
    // With the caller's credentials and the identity headers the gateway sets itself, they make one set, looked up
    // once per header the caller actually sent.
    private static readonly FrozenSet<string> CallerHeadersNotForwarded = new[]
    {
        "Forwarded", "X-Forwarded-Server", "X-Forwarded-Port", "X-Forwarded-Ssl", "X-Forwarded-Scheme", "X-Real-IP", "True-Client-IP",
        "X-Client-IP", "X-Cluster-Client-IP", "X-Original-URL", "X-Rewrite-URL", "X-Original-Host",
        "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
        "traceparent", "tracestate", "baggage", "Correlation-Context", "Request-Id",
        "Authorization", "Cookie", Access.AccessDecision.PurposeHeader, Transaction.HeaderName,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // What a provider may not say to a caller through the gateway: cookies, identity, and what software it runs.
    private static readonly string[] ProviderOnlyResponseHeaders =
    [
        "Set-Cookie", "Set-Cookie2", "X-Purpose", "Server", "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version",
    ];

    private readonly string _publicHost;

    public IdentityHeadersTransformProvider(IOptions<IdentityOptions> identity, IOptions<GatewayHostOptions> host)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(host);
        _publicHost = new Uri(identity.Value.ResolveIssuer(host.Value)).Authority;
    }

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.AddXForwardedFor();
        context.AddXForwardedProto();
        context.AddXForwardedPrefix();
        context.AddRequestHeader("X-Forwarded-Host", _publicHost, append: false);
        context.AddRequestTransform(ApplyIdentity);
        context.AddResponseTransform(EchoTransactionId);
    }

    private static ValueTask ApplyIdentity(RequestTransformContext context)
    {
        // Only headers the caller sent can be in the proxy request: one pass over them, no per-name removal attempts.
        foreach (var header in context.HttpContext.Request.Headers)
        {
            // A name with '_' reaches here only when Gateway:UnderscoreHeaders says to drop them (else it was refused).
            if (CallerHeadersNotForwarded.Contains(header.Key) || header.Key.StartsWith(ConsumerHeaderPrefix, StringComparison.OrdinalIgnoreCase)
                || header.Key.Contains('_', StringComparison.Ordinal))
            {
                RequestTransform.RemoveHeader(context, header.Key);
            }
        }

        var call = context.HttpContext.GetGatewayCall()!;
        // Request transforms run just before the request is sent: the provider leg starts here.
        call.UpstreamStartTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        var headers = context.ProxyRequest.Headers;
        headers.TryAddWithoutValidation(Transaction.HeaderName, call.TransactionId);
        headers.TryAddWithoutValidation(Observability.CallerTrace.TraceParentHeader, call.TraceParent());
        headers.TryAddWithoutValidation(AgencyHeader, call.Agency);
        headers.TryAddWithoutValidation(ClientHeader, call.ClientId);
        if (call.Purpose is { } purpose)
        {
            headers.TryAddWithoutValidation(Access.AccessDecision.PurposeHeader, purpose);
        }

        return ValueTask.CompletedTask;
    }

    private static ValueTask EchoTransactionId(ResponseTransformContext context)
    {
        var call = context.HttpContext.GetGatewayCall()!;
        call.EndUpstream();
        var headers = context.HttpContext.Response.Headers;
        foreach (var header in ProviderOnlyResponseHeaders)
        {
            headers.Remove(header);
        }

        // Collected only when a provider sends one (rare): the common answer allocates nothing here.
        List<string>? consumerHeaders = null;
        foreach (var header in headers)
        {
            if (header.Key.StartsWith(ConsumerHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                (consumerHeaders ??= []).Add(header.Key);
            }
        }

        foreach (var consumer in consumerHeaders ?? [])
        {
            headers.Remove(consumer);
        }

        // The provider's copy of the header (if it echoes one) is replaced by the gateway's own.
        headers[Transaction.HeaderName] = call.TransactionId;
        return ValueTask.CompletedTask;
    }
}
