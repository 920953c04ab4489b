using System.Text.Json;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Benchmarks;

/// <summary>
/// The demo registry (<c>config/registry.demo.json</c>, embedded in this assembly) and its busiest call: the bank's
/// eKYC client looking a citizen up in the population database, with the purpose its grant names.
/// </summary>
internal static class DemoRegistry
{
    public const string ClientId = "vcb-ekyc";
    public const string Agency = "VCB";
    public const string ServiceId = "population-citizen-lookup";
    public const string GrantId = "vcb-population-ekyc";
    public const string Purpose = "ekyc";

    public static RegistryDocument Read()
    {
        using var stream = typeof(DemoRegistry).Assembly.GetManifestResourceStream("registry.demo.json")
            ?? throw new InvalidOperationException("registry.demo.json is not embedded in the benchmarks assembly.");
        return JsonSerializer.Deserialize<RegistryDocument>(stream, RegistryJson.Options)
            ?? throw new InvalidDataException("registry.demo.json is empty.");
    }

    /// <summary>A provider holding the compiled document as its live snapshot, as the registry loader leaves it.</summary>
    public static RegistrySnapshotProvider Publish(RegistryDocument document)
    {
        var snapshots = new RegistrySnapshotProvider();
        snapshots.Publish(RegistrySnapshot.Compile(document, revision: 1));
        return snapshots;
    }
}
