using System.Threading.RateLimiting;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Hardening;

/// <summary>
/// Holds a permit of the endpoint's <see cref="OpenEndpoint"/> group for the whole request (the answer's writing
/// included), waiting in the group's short queue if all are taken; with the queue full too, 503 endpoint-busy with
/// <c>Retry-After</c>. Endpoints without the metadata pass straight through.
/// </summary>
internal sealed class OpenEndpointConcurrencyMiddleware(RequestDelegate next, OpenEndpointConcurrency concurrency)
{
    public Task InvokeAsync(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<OpenEndpointMetadata>() is { } open ? CappedAsync(context, open.Group) : next(context);

    private async Task CappedAsync(HttpContext context, OpenEndpoint group)
    {
        RateLimitLease lease;
        try
        {
            lease = await concurrency.For(group).AcquireAsync(1, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller left while waiting: there is nobody to answer.
            return;
        }

        using (lease)
        {
            if (!lease.IsAcquired)
            {
                context.Response.Headers.RetryAfter = "1";
                await context.WriteProblemAsync(ProblemKind.EndpointBusy);
                return;
            }

            await next(context);
        }
    }
}
