using System.Runtime.CompilerServices;
using System.Globalization;
using Microsoft.Net.Http.Headers;
using Ndxp.Gateway.Observability;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// After access admitted a call: the service's concurrency cap, then (in one decision) the grant's rate limit, the
/// service's total rate and the grant's quotas. Refusals: 429 rate-limited or quota-exceeded, 503 capacity-exceeded,
/// all with <c>Retry-After</c>. Limited routes also answer the <c>RateLimit-Policy</c> and <c>RateLimit</c> headers
/// of the IETF httpapi rate-limit draft, so clients can pace themselves.
/// </summary>
internal sealed class CallLimits
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string StateHeader = "RateLimit";

    private static readonly ConditionalWeakTable<Grant, FormattedPolicy> Policies = new();

    private readonly ICallLimiter _limiter;
    private readonly ServiceConcurrency _concurrency;
    private readonly RegistrySnapshotProvider _snapshots;
    private readonly TimeProvider _timeProvider;

    public CallLimits(ICallLimiter limiter, ServiceConcurrency concurrency, RegistrySnapshotProvider snapshots, TimeProvider timeProvider)
    {
        _limiter = limiter;
        _concurrency = concurrency;
        _snapshots = snapshots;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Admits the call or writes its refusal. An admitted call holds its place under the service's concurrency cap
    /// until the admission is disposed, after the provider answered.
    /// </summary>
    public async ValueTask<Admission> AdmitAsync(HttpContext context, GatewayCall call)
    {
        var snapshot = _snapshots.Current;
        if (call.GrantId is null || !snapshot.Grants.TryGetValue(call.GrantId, out var grant)
            || !snapshot.Services.TryGetValue(grant.Service, out var service))
        {
            return Admission.Unlimited;
        }

        var inFlight = _concurrency.TryEnter(service.Definition);
        var admitted = false;
        try
        {
            LimitDecision decision;
            if (inFlight is { IsAcquired: false })
            {
                decision = new LimitDecision(LimitReason.ServiceConcurrency, TimeSpan.FromSeconds(1), null, null);
            }
            else
            {
                var now = _timeProvider.GetUtcNow();
                var rate = grant.RateLimit ?? snapshot.Agencies.GetValueOrDefault(grant.ConsumerAgency)?.DefaultRateLimit;
                decision = await _limiter.AcquireAsync(new LimitRequest(grant, rate, service.Definition, now), context.RequestAborted);
                WriteRateLimitHeaders(context.Response.Headers, grant, rate, decision, now);
            }

            admitted = decision.Admitted;
            if (admitted)
            {
                return new Admission(true, inFlight);
            }

            await RefuseAsync(context, call, snapshot, decision);
            return Admission.Refused;
        }
        finally
        {
            // A refused (or failed) call gives its place under the cap back at once; an admitted one when it ends.
            if (!admitted)
            {
                inFlight?.Dispose();
            }
        }
    }

    private static Task RefuseAsync(HttpContext context, GatewayCall call, RegistrySnapshot snapshot, LimitDecision decision)
    {
        LimitsMetrics.LimitedCalls.WithLabels(
            GatewayMetrics.Agency(snapshot, call.Agency), GatewayMetrics.Service(snapshot, call.ServiceId), LimitsMetrics.Label(decision.Reason)).Inc();
        context.Response.Headers[HeaderNames.RetryAfter] = Seconds(decision.RetryAfter).ToString(CultureInfo.InvariantCulture);
        return decision.Reason switch
        {
            LimitReason.Quota => context.WriteProblemAsync(ProblemKind.QuotaExceeded, $"The quota resets in {Seconds(decision.RetryAfter)} s (UTC day or month)."),
            LimitReason.GrantRate => context.WriteProblemAsync(ProblemKind.RateLimited),
            _ => context.WriteProblemAsync(ProblemKind.CapacityExceeded),
        };
    }

    // draft-ietf-httpapi-ratelimit-headers: RateLimit-Policy: "name";q=quota;w=window, RateLimit: "name";r=remaining;t=reset.
    private static void WriteRateLimitHeaders(IHeaderDictionary headers, Grant grant, RateLimit? rate, LimitDecision decision, DateTimeOffset now)
    {
        if (rate is null && grant.DailyQuota is null)
        {
            return;
        }

        headers[PolicyHeader] = Policy(grant, rate);
        string? grantState = null;
        if (rate is not null && decision.GrantTokensLeft is { } tokens)
        {
            var refill = TimeSpan.FromSeconds(Math.Max(0, rate.Burst - tokens) / rate.PerSecond);
            grantState = string.Create(CultureInfo.InvariantCulture, $"\"grant\";r={tokens};t={(tokens >= rate.Burst ? 0 : Seconds(refill))}");
        }

        string? dailyState = null;
        if (grant.DailyQuota is not null && decision.DailyQuotaLeft is { } left)
        {
            dailyState = string.Create(CultureInfo.InvariantCulture, $"\"daily\";r={Math.Max(0, left)};t={Seconds(QuotaCounters.NextDay(now) - now)}");
        }

        if (Join(grantState, dailyState) is { } state)
        {
            headers[StateHeader] = state;
        }
    }

    // The policy depends only on the grant and its rate, both fixed for a registry snapshot: formatted once per grant
    // (keyed by the grant instance, so a new snapshot formats it anew) instead of on every call.
    private static string Policy(Grant grant, RateLimit? rate)
    {
        if (Policies.TryGetValue(grant, out var cached) && ReferenceEquals(cached.Rate, rate))
        {
            return cached.Text;
        }

        var text = Join(
            rate is null ? null : string.Create(CultureInfo.InvariantCulture, $"\"grant\";q={rate.Burst};w={Seconds(TimeSpan.FromSeconds(rate.WindowSeconds))}"),
            grant.DailyQuota is { } daily ? string.Create(CultureInfo.InvariantCulture, $"\"daily\";q={daily};w=86400") : null)!;
        Policies.AddOrUpdate(grant, new FormattedPolicy(rate, text));
        return text;
    }

    private static string? Join(string? first, string? second) =>
        first is null ? second : second is null ? first : first + ", " + second;

    /// <summary>A wait as <c>Retry-After</c> seconds: rounded up, at least 1 (0 would invite an immediate retry).</summary>
    internal static long Seconds(TimeSpan time) => Math.Max(1, (long)Math.Ceiling(time.TotalSeconds));

    private sealed record FormattedPolicy(RateLimit? Rate, string Text);
}

/// <summary>Whether limits admitted a call, and its place under the service's concurrency cap while it runs.</summary>
internal readonly struct Admission(bool admitted, IDisposable? inFlight) : IDisposable
{
    /// <summary>Admitted with no place to hold: limits are off, or the call has no grant to limit.</summary>
    public static readonly Admission Unlimited = new(true, null);

    public static readonly Admission Refused = new(false, null);

    public bool Admitted { get; } = admitted;

    public void Dispose() => inFlight?.Dispose();
}
