using System.Globalization;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Access;

/// <summary>
/// The access step of a data call, once the path named a service (in the snapshot it was found in) and the caller was authenticated: the service must be up, accept the protocol upgrade
/// if one is asked for, and offer the method; the caller must hold a valid token, and the live snapshot must show an
/// active grant for its agency or client, the method and the declared purpose. Status and grants are read on every
/// call, so a suspension bites at once. A client whose <see cref="RefusalBudget"/> is spent is refused before any of
/// that is evaluated.
/// </summary>
internal sealed class AccessDecision
{
    public const string PurposeHeader = "X-Purpose";

    private readonly TimeProvider _timeProvider;
    private readonly RefusalBudget _refusals;

    public AccessDecision(TimeProvider timeProvider, RefusalBudget refusals)
    {
        _timeProvider = timeProvider;
        _refusals = refusals;
    }

    /// <summary>Null when the call may go on; else why it is refused (the response headers a refusal needs are set).</summary>
    public ProblemKind? Decide(HttpContext context, GatewayCall call, AuthenticatedCaller authenticated, RegistrySnapshot snapshot, ServiceEntry service)
    {
        // Who is calling is recorded first, so that metering attributes every refusal to an identifiable caller.
        var caller = authenticated.Caller;
        call.Agency = caller?.Agency;
        call.ClientId = caller?.ClientId;
        call.ServiceId = service.Definition.Id;
        call.ServiceVersion = service.Definition.Version;
        if (caller is { } identified && _refusals.IsSpent(identified.ClientId, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = CallLimits.Seconds(retryAfter).ToString(CultureInfo.InvariantCulture);
            return ProblemKind.RefusalBudgetExceeded;
        }

        if (service.Definition.Status != EntityStatus.Active || service.Provider.Status != EntityStatus.Active)
        {
            return ProblemKind.ServiceSuspended;
        }

        var method = context.Request.Method;
        if (UpgradeRequest.Protocol(context) is { } protocol)
        {
            if (!service.Upgrades.Contains(protocol))
            {
                RefuseUpgrade(context);
                return ProblemKind.UpgradeNotAllowed;
            }

            // RFC 8441 section 5: over HTTP/2 a WebSocket opens with CONNECT where HTTP/1.1 sends a GET; grants name the GET.
            method = HttpMethods.Get;
        }

        if (!service.Methods.Contains(method))
        {
            context.Response.Headers.Allow = service.AllowHeader;
            return ProblemKind.MethodNotAllowed;
        }

        if (!authenticated.IsAuthenticated)
        {
            return context.Features.Get<TokenFailure>()?.Kind ?? ProblemKind.TokenMissing;
        }

        if (caller is null)
        {
            return ProblemKind.TokenInvalid;
        }

        var purposes = context.Request.Headers[PurposeHeader];
        if (purposes.Count > 1)
        {
            return ProblemKind.PurposeNotGranted;
        }

        var purpose = purposes.ToString();
        if (purpose.Length > 0 && !PurposeSyntax.IsWellFormed(purpose))
        {
            return ProblemKind.PurposeInvalid;
        }

        call.Purpose = purpose.Length == 0 ? null : purpose;
        var refusal = GrantEvaluator.Evaluate(snapshot, service, caller.Value, method, call.Purpose, _timeProvider.GetUtcNow(), out var grant);
        call.GrantId = grant?.Id;
        return refusal;
    }

    // Closed after the answer, so that bytes a client sent expecting the switch are never read as its next request.
    private static void RefuseUpgrade(HttpContext context)
    {
        if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }
    }
}
