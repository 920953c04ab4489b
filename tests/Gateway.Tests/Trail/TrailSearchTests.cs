using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Trail;

/// <summary>Auditors search a person's whole trail; the operator role does not; every search is in the audit chain.</summary>
public sealed class TrailSearchTests : IAsyncLifetime
{
    private const string Search = "/admin/v1/trail/search";
    private TrailWorld _world = null!;

    public async Task InitializeAsync() => _world = await TrailWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task An_auditor_sees_every_call_about_the_person_hidden_ones_included_with_client_and_transaction()
    {
        Assert.Equal(HttpStatusCode.OK, await _world.CallAboutAsync(TrailWorld.PersonA, TrailWorld.Investigator, "investigation"));
        Assert.Equal(HttpStatusCode.OK, await _world.CallAboutAsync(TrailWorld.PersonA, "vcb-ekyc", "ekyc"));
        Assert.Equal(HttpStatusCode.NotFound, await _world.CallAboutAsync(TrailWorld.PersonB, "vcb-ekyc", "ekyc"));
        await _world.TrailItemsAsync(await _world.CitizenTokenAsync(TrailWorld.PersonA), count: 1);

        using var response = await SearchAsync(TrailWorld.Auditor, $$"""{"subject":"{{TrailWorld.PersonA}}","reason":"complaint 2026-17"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var items = json.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([("VCB", "vcb-ekyc", false), ("VKS", TrailWorld.Investigator, true)],
            items.Select(i => (i.GetProperty("agency").GetString(), i.GetProperty("client").GetString(), i.GetProperty("hiddenFromCitizen").GetBoolean())));
        Assert.All(items, i => Assert.Matches("^[0-9a-f]{32}$", i.GetProperty("transactionId").GetString()!));
    }

    [Fact]
    public async Task Each_search_is_recorded_in_the_audit_chain_by_pseudonym_with_the_auditor_and_reason()
    {
        using (var response = await SearchAsync(TrailWorld.Auditor, $$"""{"subject":"{{TrailWorld.PersonA}}","reason":"complaint 2026-17","limit":5}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var operatorToken = await _world.Gateway.Data.TokenAsync("ops-console");
        using var audit = await _world.Gateway.Admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/audit?kind=trail", token: operatorToken);
        var body = await audit.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        var entry = Assert.Single(json.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal((TrailWorld.Auditor, "TTCP", "search"), (entry.GetProperty("actor").GetString(), entry.GetProperty("actorAgency").GetString(), entry.GetProperty("action").GetString()));
        Assert.Matches("^[0-9]{8}-[0-9a-f]{8}:[0-9a-f]{64}$", entry.GetProperty("entityId").GetString()!);
        Assert.Equal("complaint 2026-17", entry.GetProperty("after").GetProperty("reason").GetString());
        Assert.DoesNotContain(TrailWorld.PersonA, body, StringComparison.Ordinal);

        using var verify = await _world.Gateway.Admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/audit/verify", token: operatorToken);
        Assert.True(JsonDocument.Parse(await verify.Content.ReadAsStringAsync()).RootElement.GetProperty("valid").GetBoolean());
    }

    [Theory]
    [InlineData("ops-console", HttpStatusCode.Forbidden, "auditor-role-required")]
    [InlineData("vcb-ekyc", HttpStatusCode.Forbidden, "auditor-role-required")]
    [InlineData(null, HttpStatusCode.Unauthorized, "token-missing")]
    public async Task Only_the_auditor_role_opens_a_search_and_a_refused_one_is_not_recorded(string? client, HttpStatusCode status, string problem)
    {
        using var response = await SearchAsync(client, $$"""{"subject":"{{TrailWorld.PersonA}}","reason":"curiosity"}""");

        await ProblemAssert.IsProblemAsync(response, status, problem);
        using var audit = await _world.Gateway.Admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/audit?kind=trail", token: await _world.Gateway.Data.TokenAsync("ops-console"));
        Assert.Empty(JsonDocument.Parse(await audit.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("""{"reason":"no subject"}""", "invalid-body")]
    [InlineData("""{"subject":"001099012345"}""", "invalid-body")]
    [InlineData("""{"subject":"","reason":"empty"}""", "invalid-body")]
    [InlineData("""{"subject":"001099012345","reason":"x","limit":0}""", "invalid-body")]
    [InlineData("""{"subject":"001099012345","reason":"x","before":"garbage"}""", "invalid-body")]
    [InlineData("not json", "invalid-body")]
    public async Task A_malformed_search_is_a_problem_naming_what_is_wrong_without_echoing_the_identifier(string body, string problem)
    {
        using var response = await SearchAsync(TrailWorld.Auditor, body);

        var details = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, problem);
        Assert.DoesNotContain("001099012345", details.ToString(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SearchAsync(string? client, string body) =>
        await _world.Gateway.Admin.SendJsonAsync(HttpMethod.Post, Search, body, token: client is null ? null : await _world.Gateway.Data.TokenAsync(client));
}
