using Prometheus;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>Prometheus series of client authentication at the token endpoint. Labels come from fixed sets only.</summary>
internal static class ClientAuthenticationMetrics
{
    public static readonly Counter Failures = Metrics.CreateCounter(
        "ndxp_gateway_client_authentication_failures_total",
        "Failed client authentications at the token endpoint, by method and reason.", "method", "reason");

    public static readonly Counter Lockouts = Metrics.CreateCounter(
        "ndxp_gateway_client_authentication_lockouts_total",
        "Lock-outs started after repeated failed client authentications, by scope (client or address).", "scope");

    public static readonly Counter LockedOutAttempts = Metrics.CreateCounter(
        "ndxp_gateway_client_authentication_locked_out_total",
        "Token requests refused unchecked because their client id or source address was locked out, by scope.", "scope");

    public static readonly Counter SecretChecks = Metrics.CreateCounter(
        "ndxp_gateway_client_secret_checks_total",
        "Client secrets checked, by hash: fast (a generated secret), slow (PBKDF2 of a person's secret), remembered (a slow hash verified before).",
        "hash");

    public static readonly Gauge SlowVerificationsRunning = Metrics.CreateGauge(
        "ndxp_gateway_slow_secret_verifications_running", "PBKDF2 verifications of people's secrets running now.");

    public static readonly Counter SlowVerificationsRefused = Metrics.CreateCounter(
        "ndxp_gateway_slow_secret_verifications_refused_total",
        "Token requests answered 503 because every slow verification and its queue were taken.");

    public static string Label(LockoutScope scope) => scope == LockoutScope.Client ? "client" : "address";
}
