using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Load;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// The demo registry (<c>config/registry.demo.json</c>) as the load tool's runs use it: its services at the demo
/// providers' address of the test, the demo secrets re-hashed at the lowest work factor the registry accepts (fetching
/// the tokens costs milliseconds instead of a third of a second each) and the operator's secret known to the test.
/// </summary>
internal static class DemoTestRegistry
{
    public const string OperatorSecret = "ops-demo-secret";

    public static RegistryDocument Build(string providersUrl)
    {
        var secrets = ScenarioCatalog.DemoClients.ToDictionary(c => c.Id, c => c.Secret);
        secrets["ops-console"] = OperatorSecret;
        var demo = RegistryJson.ReadFile(Repository.File("config", "registry.demo.json"));
        return demo with
        {
            // Clients the load tool does not call (the auditor, the investigator) keep their demo hashes.
            Clients = [.. demo.Clients.Select(c => secrets.TryGetValue(c.Id, out var secret) ? c with { SecretHash = ClientSecretHasher.Hash(secret, ClientSecretHasher.MinimumIterations) } : c)],
            Services = [.. demo.Services.Select(s => s with { Destinations = [providersUrl] })],
        };
    }
}
