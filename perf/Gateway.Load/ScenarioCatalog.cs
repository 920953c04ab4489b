namespace Ndxp.Gateway.Load;

/// <summary>
/// The scenarios over the demo registry (<c>config/registry.demo.json</c>), the demo clients that run them, and the
/// default mix. Weights are shares of all calls, from the figures in CONTEXT.md: NDXP carried 272 M transactions by
/// June 2023, 132.39 M of them telecom subscriber verifications (49 %); 40.7 M bank customer records were matched
/// against chip ID cards (15 %); the remaining 36 % is split between the province portals (63 provinces) and the
/// ministries (18) without a published split. The refused shares are ours, to keep the refusal paths under load.
/// </summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new("subscriber-verification", "population-citizen-lookup", Lookup.Citizen, "subscriber-verification", [200],
            "telecom operator verifies a SIM subscriber's personal ID"),
        new("bank-ekyc", "population-citizen-lookup", Lookup.Citizen, "ekyc", [200], "bank opens an account (eKYC)"),
        new("bank-credit", "enterprise-lookup", Lookup.Enterprise, "credit-assessment", [200], "bank assesses a company's credit"),
        new("province-citizen", "population-citizen-lookup", Lookup.Citizen, "public-service", [200], "province portal serves a citizen"),
        new("province-insurance", "insurance-status", Lookup.Insurance, "public-service", [200], "province portal checks social insurance"),
        new("civil-status", "population-citizen-lookup", Lookup.Citizen, "civil-status-registration", [200], "Ministry of Justice registers a civil-status event"),
        new("denied", "enterprise-lookup", Lookup.Enterprise, "subscriber-verification", [403], "telecom operator calls a service it holds no grant for (no-grant)"),
        new("wrong-purpose", "population-citizen-lookup", Lookup.Citizen, "marketing", [403], "bank declares a purpose it was not granted (purpose-not-granted)"),
        new("over-limit", "enterprise-lookup", Lookup.Enterprise, "public-service", [200, 429], "province portal past its enterprise grant's 20 calls/s (rate-limited, then quota-exceeded)"),
    ];

    /// <summary>The default mix: scenario name and weight (weights need not add up to 100).</summary>
    public static IReadOnlyList<MixEntry> DefaultMix { get; } =
    [
        new("subscriber-verification", 48),
        new("bank-ekyc", 15),
        new("bank-credit", 2),
        new("province-citizen", 15),
        new("province-insurance", 2),
        new("civil-status", 12),
        new("denied", 2),
        new("wrong-purpose", 2),
        new("over-limit", 2),
    ];

    /// <summary>The demo registry's clients with the README's demo secrets (public, demo only).</summary>
    public static IReadOnlyList<LoadClient> DemoClients { get; } =
    [
        new("viettel-sim", "viettel-demo-secret", "VIETTEL", ["subscriber-verification", "denied"]),
        new("vcb-ekyc", "vcb-demo-secret", "VCB", ["bank-ekyc", "bank-credit", "wrong-purpose"]),
        new("hni-portal", "hni-demo-secret", "HNI", ["province-citizen", "province-insurance", "over-limit"]),
        new("btp-civil-status", "btp-demo-secret", "BTP", ["civil-status"]),
    ];

    public static Scenario? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}

/// <summary>A scenario's share of the calls.</summary>
internal sealed record MixEntry(string Scenario, double Weight);

/// <summary>A client the tool calls as: its credentials, its agency (for the per-agency counts) and the scenarios it runs.</summary>
internal sealed record LoadClient(string Id, string Secret, string Agency, IReadOnlyList<string> Scenarios);
