using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Metering;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// <c>GET /admin/v1/calls/verify</c>, operators only: verifies every replica's chain of call records and names the
/// first broken batch of each (the same check as <c>audit verify-calls</c>).
/// </summary>
internal static class CallChainApi
{
    public static IEndpointRouteBuilder MapCallChainApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet($"{RegistryAdminApi.Prefix}/calls/verify", async (ICallChainStore store, HttpContext context) =>
        {
            var verification = await CallChainVerifier.VerifyAsync(store, context.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(verification);
        })
        .WithTags("audit")
        .WithSummary("Verify the hash chains of call records; names the first broken batch of each replica's chain")
        .AddEndpointFilter<OperatorOnly>()
        .OnAdminPlane()
        .Produces<CallChainVerification>()
        .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return endpoints;
    }
}
