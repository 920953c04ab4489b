using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Admin;

/// <summary>The registry kept in git: export, dry-run diff, apply, and apply again changing nothing.</summary>
public sealed class DeclarativeRegistryTests : IAsyncLifetime
{
    private readonly AdminFixture _gateway = new();

    public Task InitializeAsync() => _gateway.InitializeAsync();

    public Task DisposeAsync() => _gateway.DisposeAsync();

    [Fact]
    public async Task Export_then_dry_run_shows_the_diff_apply_makes_it_and_applying_again_changes_nothing()
    {
        using var exported = await _gateway.Admin.GetAsync("/admin/v1/registry");
        var revision = exported.ETag();
        var file = JsonNode.Parse(await exported.Content.ReadAsStringAsync())!.AsObject();

        // Unchanged export: nothing to do.
        var noop = await ApplyAsync(file, dryRun: true);
        Assert.Empty(Refs(noop, "added").Concat(Refs(noop, "changed")).Concat(Refs(noop, "removed")));

        // The reviewed change: one grant added, one service's timeout changed, one grant removed.
        file["grants"]!.AsArray().Add(JsonNode.Parse("""{"id":"viettel-enterprise","consumerAgency":"VIETTEL","service":"enterprise"}"""));
        file["services"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == "slow")!["timeoutMs"] = 800;
        var grants = file["grants"]!.AsArray();
        grants.Remove(grants.Single(g => g!["id"]!.GetValue<string>() == "vcb-retired"));

        var preview = await ApplyAsync(file, dryRun: true);
        Assert.True(preview.GetProperty("dryRun").GetBoolean());
        Assert.Equal(["grant:viettel-enterprise"], Refs(preview, "added"));
        Assert.Equal(["service:slow"], Refs(preview, "changed"));
        Assert.Equal(["timeoutMs"], preview.GetProperty("changed")[0].GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["grant:vcb-retired"], Refs(preview, "removed"));
        var viettel = await _gateway.Data.TokenAsync("viettel-sim");
        using (var notYet = await _gateway.Data.CallAsync(HttpMethod.Get, "/enterprise/v1/enterprises/0109999001", viettel))
        {
            await ProblemAssert.IsProblemAsync(notYet, HttpStatusCode.Forbidden, "no-grant");
        }

        var applied = await ApplyAsync(file, dryRun: false, ifMatch: revision);
        Assert.False(applied.GetProperty("dryRun").GetBoolean());
        Assert.Equal(Refs(preview, "added").Concat(Refs(preview, "changed")).Concat(Refs(preview, "removed")),
            Refs(applied, "added").Concat(Refs(applied, "changed")).Concat(Refs(applied, "removed")));
        using (var now = await _gateway.Data.CallAsync(HttpMethod.Get, "/enterprise/v1/enterprises/0109999001", viettel))
        {
            Assert.Equal(HttpStatusCode.OK, now.StatusCode);
        }

        // Client secrets are not in the file, yet applying it kept them.
        await _gateway.Data.TokenAsync("vcb-ekyc");

        var again = await ApplyAsync(file, dryRun: false);
        Assert.Equal(applied.GetProperty("revision").GetInt64(), again.GetProperty("revision").GetInt64());
        Assert.Empty(Refs(again, "added").Concat(Refs(again, "changed")).Concat(Refs(again, "removed")));

        // The file reviewed against the old revision cannot be applied over a newer one.
        using var stale = await _gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/registry", file.ToJsonString(), revision);
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed, "precondition-failed");
    }

    [Fact]
    public void Applying_a_file_that_lists_no_keys_or_secret_for_a_client_keeps_those_it_has()
    {
        using var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var key = ClientAssertions.RegistryKey(ec, "k1");
        var registry = TestRegistry.Build("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3");
        var current = registry with { Clients = [.. registry.Clients.Select(c => c.Id == "vcb-ekyc" ? c with { PublicKeys = [key] } : c)] };

        // The file as export writes it, but from before the key was registered: no secret, no keys.
        var file = Ndxp.Gateway.Registry.DeclarativeRegistry.Export(registry);

        Assert.Empty(Ndxp.Gateway.Registry.DeclarativeRegistry.Plan(current, file));
    }

    [Fact]
    public async Task An_invalid_file_is_refused_in_dry_run_and_apply_and_changes_nothing()
    {
        using var exported = await _gateway.Admin.GetAsync("/admin/v1/registry");
        var file = JsonNode.Parse(await exported.Content.ReadAsStringAsync())!.AsObject();
        file["agencies"]!.AsArray().Remove(file["agencies"]!.AsArray().Single(a => a!["code"]!.GetValue<string>() == "VIETTEL"));

        foreach (var dryRun in new[] { true, false })
        {
            using var response = await _gateway.Admin.SendJsonAsync(HttpMethod.Put, $"/admin/v1/registry?dryRun={dryRun}", file.ToJsonString());
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "registry-invalid");
            Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("message").GetString()!.Contains("VIETTEL", StringComparison.Ordinal));
        }

        using var unknownField = await _gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/registry?dryRun=true", """{"agencies":[],"grantz":[]}""");
        await ProblemAssert.IsProblemAsync(unknownField, HttpStatusCode.BadRequest, "invalid-body");

        using var after = await _gateway.Admin.GetAsync("/admin/v1/registry");
        Assert.Equal(exported.ETag(), after.ETag());
    }

    [Fact]
    public async Task The_commands_export_and_apply_the_same_format_with_a_dry_run()
    {
        var path = Path.Combine(_gateway.Workspace.Directory, "exported.json");
        var settings = $"--Gateway:DataDirectory={_gateway.DataDirectory}";
        Assert.Equal(0, (await OperatorCommand.RunAsync("registry", "export", path, settings)).ExitCode);
        var file = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        file["grants"]!.AsArray().Add(JsonNode.Parse("""{"id":"cli-grant","consumerAgency":"HNI","service":"limited"}"""));
        await File.WriteAllTextAsync(path, file.ToJsonString());

        var (code, output) = await OperatorCommand.RunAsync(["registry", "apply", path, "--dry-run", settings]);
        Assert.Equal(0, code);
        Assert.Contains("cli-grant", output, StringComparison.Ordinal);
        using (var notYet = await _gateway.Admin.GetAsync("/admin/v1/grants/cli-grant"))
        {
            Assert.Equal(HttpStatusCode.NotFound, notYet.StatusCode);
        }

        Assert.Equal(0, (await OperatorCommand.RunAsync("registry", "apply", path, settings)).ExitCode);
        // The running gateway follows a change committed by the command (polling the shared store).
        var hni = await _gateway.Data.TokenAsync("hni-portal");
        Assert.Equal(HttpStatusCode.OK, await Poll.UntilAsync(() => _gateway.Data.StatusOfAsync("/limited/x", hni), s => s == HttpStatusCode.OK));
        using var audit = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/audit?kind=grant&id=cli-grant"));
        Assert.StartsWith("cli:", audit.RootElement.GetProperty("items")[0].GetProperty("actor").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> ApplyAsync(JsonObject file, bool dryRun, string? ifMatch = null)
    {
        using var response = await _gateway.Admin.SendJsonAsync(HttpMethod.Put, $"/admin/v1/registry?dryRun={(dryRun ? "true" : "false")}", file.ToJsonString(), ifMatch);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static List<string> Refs(JsonElement report, string property) =>
        report.GetProperty(property).EnumerateArray().Select(r => $"{r.GetProperty("kind").GetString()}:{r.GetProperty("id").GetString()}").ToList();
}
