using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Admin;

/// <summary>
/// Every registry change logs the audit trail's head (sequence and hash of its newest entry): the copy that lets a
/// change made by someone rewriting the database be noticed. Through the API, the command line and the seed import.
/// </summary>
public sealed class AuditHeadLogTests : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;
    private TestGateway _gateway = null!;
    private string _log = "";

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _log = Path.Combine(_workspace.Directory, "gateway.log");
        _gateway = await _workspace.StartGatewayAsync(TestGateway.LogToFile(_log));
        _gateway.Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await _gateway.Data.TokenAsync("ops-console"));
    }

    [Fact]
    public async Task The_seed_import_and_each_admin_change_log_the_head_of_the_trail_they_produced()
    {
        await AssertHeadLoggedAsync(1001);

        using var exported = await _gateway.Admin.GetAsync("/admin/v1/registry");
        var file = JsonNode.Parse(await exported.Content.ReadAsStringAsync())!.AsObject();
        file["grants"]!.AsArray().Add(JsonNode.Parse("""{"id":"head-by-file","consumerAgency":"HNI","service":"limited"}"""));
        foreach (var (method, path, body) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Post, "/admin/v1/grants", """{"id":"head-grant","consumerAgency":"HNI","service":"enterprise"}"""),
            (HttpMethod.Put, "/admin/v1/grants/head-grant", """{"id":"head-grant","consumerAgency":"HNI","service":"enterprise","dailyQuota":5}"""),
            (HttpMethod.Post, "/admin/v1/grants/head-grant/suspend", null),
            (HttpMethod.Delete, "/admin/v1/grants/head-grant", null),
            (HttpMethod.Post, "/admin/v1/clients/hni-other/secret", null),
            (HttpMethod.Post, "/admin/v1/revocations", $$"""{"jti":"{{Guid.NewGuid():N}}","expiresAt":"{{DateTimeOffset.UtcNow.AddMinutes(5):O}}","reason":"leaked"}"""),
            (HttpMethod.Put, "/admin/v1/registry", file.ToJsonString()),
        })
        {
            using var response = await _gateway.Admin.SendJsonAsync(method, path, body, "*");
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await AssertHeadLoggedAsync(6001);
        }
    }

    [Fact]
    public async Task A_registry_apply_from_the_command_line_logs_the_head_it_produced()
    {
        var settings = $"--Gateway:DataDirectory={_workspace.DataDirectory}";
        var path = Path.Combine(_workspace.Directory, "registry.json");
        Assert.Equal(0, (await OperatorCommand.RunAsync("registry", "export", path, settings)).ExitCode);
        var file = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        file["grants"]!.AsArray().Add(JsonNode.Parse("""{"id":"head-by-cli","consumerAgency":"HNI","service":"limited"}"""));
        await File.WriteAllTextAsync(path, file.ToJsonString());
        var commandLog = Path.Combine(_workspace.Directory, "command.log");

        var (code, output) = await OperatorCommand.RunAsync(["registry", "apply", path, settings, .. TestGateway.LogToFile(commandLog)]);

        Assert.Equal(0, code);
        Assert.Contains("head-by-cli", output, StringComparison.Ordinal);
        var newest = await NewestAuditEntryAsync();
        Assert.Equal("grant", newest.GetProperty("kind").GetString());
        Assert.Equal("head-by-cli", newest.GetProperty("entityId").GetString());
        var logged = HeadsLogged(await LogFile.ReadAsync(commandLog), 6001);
        Assert.Contains((newest.GetProperty("sequence").GetInt64(), newest.GetProperty("hash").GetString()!), logged);
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    // The newest entry of the trail as the API shows it, and a log event of the given id carrying its sequence and hash.
    private async Task AssertHeadLoggedAsync(int eventId)
    {
        var newest = await NewestAuditEntryAsync();
        var head = (newest.GetProperty("sequence").GetInt64(), newest.GetProperty("hash").GetString()!);
        var logged = await Poll.UntilAsync(async () => HeadsLogged(await LogFile.ReadAsync(_log), eventId), heads => heads.Any(h => h.Sequence == head.Item1));
        Assert.Contains(head, logged);
    }

    private async Task<JsonElement> NewestAuditEntryAsync()
    {
        JsonElement? newest = null;
        long? after = 0;
        while (after is { } from)
        {
            using var response = await _gateway.Admin.GetAsync($"/admin/v1/audit?after={from}&limit=1000");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var items = page.RootElement.GetProperty("items");
            newest = items.GetArrayLength() > 0 ? items[items.GetArrayLength() - 1].Clone() : newest;
            after = page.RootElement.GetProperty("next").ValueKind == JsonValueKind.Number ? page.RootElement.GetProperty("next").GetInt64() : null;
        }

        return newest ?? throw new InvalidOperationException("empty audit trail");
    }

    // Complete lines only: the gateway may be writing the last one as the test reads the file.
    private static List<(long Sequence, string Hash)> HeadsLogged(string log, int eventId) =>
    [
        .. log[..(log.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("EventId", out var id) && id.TryGetProperty("Id", out var number) && number.GetInt32() == eventId
                && e.TryGetProperty("AuditSequence", out _))
            .Select(e => (e.GetProperty("AuditSequence").GetInt64(), e.GetProperty("AuditHash").GetString()!)),
    ];
}
