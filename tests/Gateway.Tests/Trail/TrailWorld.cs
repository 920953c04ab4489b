using System.Net.Http.Headers;
using System.Text.Json;
using Ndxp.Gateway.DemoProviders.CitizenIdentity;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Trail;

/// <summary>
/// A gateway whose population service names its data subject, that trusts the demo providers' citizen identity
/// provider, with an auditor, an investigative agency hidden from citizens, and its log in a file.
/// </summary>
internal sealed class TrailWorld : IAsyncDisposable
{
    public const string PersonA = "001099012345";
    public const string PersonB = "079088001234";
    public const string Investigator = "vks-app";
    public const string Auditor = "audit-app";

    private TrailWorld(GatewayWorkspace workspace, TestGateway gateway, string logPath)
    {
        Workspace = workspace;
        Gateway = gateway;
        LogPath = logPath;
    }

    public GatewayWorkspace Workspace { get; }

    public TestGateway Gateway { get; private set; }

    public string LogPath { get; }

    public static RegistryDocument RegistryOf(GatewayWorkspace workspace) => workspace.Registry with
    {
        Agencies = [.. workspace.Registry.Agencies, new Agency { Code = "VKS", Name = "Investigative body" }, new Agency { Code = "TTCP", Name = "Inspectorate" }],
        Clients =
        [
            .. workspace.Registry.Clients,
            new Client { Id = Investigator, Agency = "VKS", SecretHash = TestRegistry.SecretHash },
            new Client { Id = Auditor, Agency = "TTCP", SecretHash = TestRegistry.SecretHash, Roles = ["auditor"] },
        ],
        Services = [.. workspace.Registry.Services.Select(s => s.Id == "population" ? s with { SubjectPath = "/population/v1/citizens/{personalId}" } : s)],
        Grants = [.. workspace.Registry.Grants, new Grant { Id = "vks-population", ConsumerAgency = "VKS", Service = "population", Purposes = ["investigation"] }],
        TrailExclusions = [new TrailExclusion { Agency = "VKS", Reason = "criminal investigation" }],
    };

    public static async Task<TrailWorld> StartAsync(params string[] settings)
    {
        var workspace = await GatewayWorkspace.CreateAsync();
        var logPath = Path.Combine(workspace.Directory, "gateway.log");
        var gateway = await workspace.StartGatewayAsync(RegistryOf(workspace), [.. Settings(workspace, logPath), .. settings]);
        return new TrailWorld(workspace, gateway, logPath);
    }

    /// <summary>Stops the gateway and starts another on the same data directory (a restart).</summary>
    public async Task RestartAsync()
    {
        await Gateway.DisposeAsync();
        Gateway = await Workspace.StartGatewayAsync(RegistryOf(Workspace), Settings(Workspace, LogPath));
    }

    public async Task<string> CitizenTokenAsync(string personalId)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(
            $"{Workspace.ProvidersUrl}{DemoCitizenIdentity.PathBase}/token", new FormUrlEncodedContent([new("personal_id", personalId)]));
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A call about a person by one of the test registry's clients.</summary>
    public async Task<System.Net.HttpStatusCode> CallAboutAsync(string personalId, string client, string? purpose)
    {
        var token = await Gateway.Data.TokenAsync(client);
        return await Gateway.Data.StatusOfAsync($"/population/v1/citizens/{personalId}", token, purpose);
    }

    public async Task<HttpResponseMessage> TrailAsync(string? token, string query = "", string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/trail/v1/me" + query);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return await Gateway.Data.SendAsync(request);
    }

    /// <summary>The person's trail as JSON items, once it holds <paramref name="count"/> entries (metering writes in batches).</summary>
    public async Task<JsonElement[]> TrailItemsAsync(string citizenToken, int count) =>
        await Poll.UntilAsync(
            async () =>
            {
                using var response = await TrailAsync(citizenToken);
                response.EnsureSuccessStatusCode();
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                return json.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToArray();
            },
            items => items.Length >= count);

    public async ValueTask DisposeAsync() => await Workspace.DisposeAsync();

    private static string[] Settings(GatewayWorkspace workspace, string logPath) =>
    [
        "--Identity:ExternalAuthorities:0:Name=citizens",
        $"--Identity:ExternalAuthorities:0:Authority={DemoCitizenIdentity.IssuerFor(workspace.ProvidersUrl)}",
        $"--Identity:ExternalAuthorities:0:Audience={DemoCitizenIdentity.Audience}",
        $"--Identity:ExternalAuthorities:0:CitizenClaim={DemoCitizenIdentity.PersonalIdClaim}",
        "--Identity:ExternalAuthorities:0:RequireHttpsMetadata=false",
        "--Metering:FlushInterval=00:00:00.100",
        // One name across restarts: the replica continues its chain.
        "--Metering:ChainId=trail-test-node",
        .. TestGateway.LogToFile(logPath),
    ];
}
