using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>The registry the through-HTTP tests run against: the demo's shape plus services and callers for edge cases.</summary>
internal static class TestRegistry
{
    public const string Secret = "test-secret";
    public const int QtaDailyQuota = 3;
    public const int ClusterRate = 20;
    public const int ClusterQuota = 30;

    // The lowest work factor the registry accepts keeps the suite fast; the algorithm is the production one.
    public static readonly string SecretHash = ClientSecretHasher.Hash(Secret, ClientSecretHasher.MinimumIterations);

    public static RegistryDocument Build(string demoProvidersUrl, string upstreamUrl, string deadUrl) => new()
    {
        Agencies =
        [
            new() { Code = "BCA", Name = "Ministry of Public Security", Kind = AgencyKind.Ministry },
            new() { Code = "BKHDT", Name = "Ministry of Planning and Investment", Kind = AgencyKind.Ministry },
            new() { Code = "VCB", Name = "Demo bank", Kind = AgencyKind.Bank },
            new() { Code = "VIETTEL", Name = "Demo telecom", Kind = AgencyKind.Telecom },
            new() { Code = "HNI", Name = "Demo province", Kind = AgencyKind.Province },
            new() { Code = "SUSP", Name = "A suspended agency", Kind = AgencyKind.Other, Status = EntityStatus.Suspended },
            new() { Code = "NDXP", Name = "Platform operator", Kind = AgencyKind.Other },
            new() { Code = "MTR", Name = "An agency only the metering tests call as", Kind = AgencyKind.Other },
            new() { Code = "MTM", Name = "An agency only the metering metrics test calls as (metrics are process-wide)", Kind = AgencyKind.Other },
            new() { Code = "QTA", Name = "An agency with a small daily quota", Kind = AgencyKind.Other },
            new() { Code = "RL", Name = "An agency with rate-limited grants", Kind = AgencyKind.Other },
            new() { Code = "CL", Name = "An agency the cluster tests call as", Kind = AgencyKind.Other },
            new() { Code = "RLD", Name = "An agency limited by its default", Kind = AgencyKind.Other, DefaultRateLimit = new RateLimit { PerSecond = 2, Burst = 2 } },
            new() { Code = "WS", Name = "An agency only the upgrade tests call as", Kind = AgencyKind.Other },
        ],
        Clients =
        [
            new() { Id = "vcb-ekyc", Agency = "VCB", SecretHash = SecretHash },
            new() { Id = "viettel-sim", Agency = "VIETTEL", SecretHash = SecretHash },
            new() { Id = "hni-portal", Agency = "HNI", SecretHash = SecretHash },
            new() { Id = "hni-other", Agency = "HNI", SecretHash = SecretHash },
            new() { Id = "hni-suspended", Agency = "HNI", SecretHash = SecretHash, Status = EntityStatus.Suspended },
            new() { Id = "susp-app", Agency = "SUSP", SecretHash = SecretHash },
            new() { Id = "ops-console", Agency = "NDXP", SecretHash = SecretHash, Roles = ["operator"] },
            new() { Id = "mtr-app", Agency = "MTR", SecretHash = SecretHash },
            new() { Id = "mtr-other", Agency = "MTR", SecretHash = SecretHash },
            new() { Id = "mtr-count", Agency = "MTR", SecretHash = SecretHash },
            new() { Id = "mtm-app", Agency = "MTM", SecretHash = SecretHash },
            new() { Id = "qta-app", Agency = "QTA", SecretHash = SecretHash },
            new() { Id = "rl-app", Agency = "RL", SecretHash = SecretHash },
            new() { Id = "rl-flood", Agency = "RL", SecretHash = SecretHash },
            new() { Id = "rl-calm", Agency = "RL", SecretHash = SecretHash },
            new() { Id = "rld-app", Agency = "RLD", SecretHash = SecretHash },
            new() { Id = "cl-rate", Agency = "CL", SecretHash = SecretHash },
            new() { Id = "cl-quota", Agency = "CL", SecretHash = SecretHash },
            new() { Id = "cl-outage", Agency = "CL", SecretHash = SecretHash },
            new() { Id = "ws-app", Agency = "WS", SecretHash = SecretHash },
        ],
        Services =
        [
            new()
            {
                Id = "population", Provider = "BCA", PathPrefix = "/population/v1", Destinations = [demoProvidersUrl], PersonalData = true,
            },
            new() { Id = "enterprise", Provider = "BKHDT", PathPrefix = "/enterprise/v1", Destinations = [demoProvidersUrl] },
            new()
            {
                Id = "echo", Provider = "BCA", PathPrefix = "/echo", Methods = ["GET", "POST"], Destinations = [upstreamUrl], PersonalData = true,
            },
            new() { Id = "slow", Provider = "BCA", PathPrefix = "/slow", Destinations = [upstreamUrl], TimeoutMs = 500 },
            new() { Id = "dead", Provider = "BCA", PathPrefix = "/dead", Destinations = [deadUrl] },
            new() { Id = "sick", Provider = "BCA", PathPrefix = "/sick", Destinations = [deadUrl], HealthCheckPath = "/healthz" },
            new() { Id = "retired", Provider = "BCA", PathPrefix = "/retired", Destinations = [upstreamUrl], Status = EntityStatus.Suspended },
            new() { Id = "limited", Provider = "BCA", PathPrefix = "/limited", Destinations = [upstreamUrl] },
            new()
            {
                Id = "capped", Provider = "BCA", PathPrefix = "/capped", Destinations = [upstreamUrl],
                Capacity = new CapacityCap { Rate = new RateLimit { PerSecond = 10, Burst = 10 } },
            },
            new() { Id = "narrow", Provider = "BCA", PathPrefix = "/pause", Destinations = [upstreamUrl], Capacity = new CapacityCap { MaxConcurrent = 2 } },
            new() { Id = "socket", Provider = "BCA", PathPrefix = "/socket", Destinations = [upstreamUrl], Upgrades = ["websocket"] },
        ],
        Grants =
        [
            new() { Id = "vcb-population", ConsumerAgency = "VCB", Service = "population", Purposes = ["ekyc"] },
            new() { Id = "viettel-population", ConsumerAgency = "VIETTEL", Service = "population", Purposes = ["subscriber-verification"] },
            new() { Id = "vcb-echo", ConsumerAgency = "VCB", Service = "echo", Methods = ["GET"], Purposes = ["ekyc"] },
            new() { Id = "vcb-slow", ConsumerAgency = "VCB", Service = "slow" },
            new() { Id = "vcb-dead", ConsumerAgency = "VCB", Service = "dead" },
            new() { Id = "vcb-sick", ConsumerAgency = "VCB", Service = "sick" },
            new() { Id = "vcb-retired", ConsumerAgency = "VCB", Service = "retired" },
            new() { Id = "hni-enterprise-portal-only", ConsumerAgency = "HNI", ConsumerClient = "hni-portal", Service = "enterprise" },
            new() { Id = "hni-population", ConsumerAgency = "HNI", Service = "population", Purposes = ["public-service"] },
            new() { Id = "susp-population", ConsumerAgency = "SUSP", Service = "population", Purposes = ["ekyc"] },
            new() { Id = "mtr-population", ConsumerAgency = "MTR", Service = "population", Purposes = ["audit"] },
            new() { Id = "mtr-echo", ConsumerAgency = "MTR", Service = "echo", Methods = ["GET", "POST"], Purposes = ["audit"] },
            new() { Id = "mtr-dead", ConsumerAgency = "MTR", Service = "dead" },
            new() { Id = "mtm-population", ConsumerAgency = "MTM", Service = "population", Purposes = ["audit"] },
            new() { Id = "qta-enterprise", ConsumerAgency = "QTA", Service = "enterprise", DailyQuota = QtaDailyQuota },
            new() { Id = "rl-limited", ConsumerAgency = "RL", ConsumerClient = "rl-app", Service = "limited", RateLimit = new RateLimit { PerSecond = 5, Burst = 5 }, DailyQuota = 100_000 },
            new() { Id = "rl-capped-flood", ConsumerAgency = "RL", ConsumerClient = "rl-flood", Service = "capped", RateLimit = new RateLimit { PerSecond = 6, Burst = 6 } },
            new() { Id = "rl-capped-calm", ConsumerAgency = "RL", ConsumerClient = "rl-calm", Service = "capped", RateLimit = new RateLimit { PerSecond = 2, Burst = 2 } },
            new() { Id = "rl-capped-any", ConsumerAgency = "RL", ConsumerClient = "rl-app", Service = "capped", RateLimit = new RateLimit { PerSecond = 100, Burst = 100 } },
            new() { Id = "rl-narrow", ConsumerAgency = "RL", Service = "narrow" },
            new() { Id = "rld-limited", ConsumerAgency = "RLD", Service = "limited" },
            new() { Id = "cl-rate", ConsumerAgency = "CL", ConsumerClient = "cl-rate", Service = "limited", RateLimit = new RateLimit { PerSecond = ClusterRate, Burst = ClusterRate } },
            new() { Id = "cl-quota", ConsumerAgency = "CL", ConsumerClient = "cl-quota", Service = "limited", DailyQuota = ClusterQuota },
            new() { Id = "cl-outage", ConsumerAgency = "CL", ConsumerClient = "cl-outage", Service = "limited", RateLimit = new RateLimit { PerSecond = ClusterRate, Burst = ClusterRate } },
            new() { Id = "ws-socket", ConsumerAgency = "WS", Service = "socket" },
            new() { Id = "ws-limited", ConsumerAgency = "WS", Service = "limited" },
        ],
    };
}
