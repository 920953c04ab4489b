namespace Ndxp.Gateway.Forwarding;

/// <summary>
/// Gives every call a transaction id that the provider receives and the caller sees in <c>X-Transaction-Id</c>, so
/// an agency, the gateway and a provider can talk about the same call. A caller-sent id is never trusted.
/// </summary>
internal sealed class TransactionMiddleware
{
    public const string HeaderName = "X-Transaction-Id";

    private readonly RequestDelegate _next;

    public TransactionMiddleware(RequestDelegate next) => _next = next;

    public Task InvokeAsync(HttpContext context)
    {
        var call = new GatewayCall { TransactionId = Guid.CreateVersion7().ToString("N") };
        context.Features.Set(call);
        context.Response.Headers[HeaderName] = call.TransactionId;
        return _next(context);
    }
}
