using System.Net;
using System.Text;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Trail;

/// <summary>A citizen, signed in through a citizen identity provider, reads who called services about them.</summary>
public sealed class CitizenTrailTests : IAsyncLifetime
{
    private TrailWorld _world = null!;

    public async Task InitializeAsync() => _world = await TrailWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_citizen_sees_each_agency_by_name_with_purpose_and_outcome_newest_first_and_never_anothers_calls()
    {
        Assert.Equal(HttpStatusCode.OK, await _world.CallAboutAsync(TrailWorld.PersonA, "vcb-ekyc", "ekyc"));
        Assert.Equal(HttpStatusCode.Forbidden, await _world.CallAboutAsync(TrailWorld.PersonA, "viettel-sim", purpose: null));
        Assert.Equal(HttpStatusCode.NotFound, await _world.CallAboutAsync(TrailWorld.PersonB, "vcb-ekyc", "ekyc"));

        var a = await _world.TrailItemsAsync(await _world.CitizenTokenAsync(TrailWorld.PersonA), count: 2);

        Assert.Equal(2, a.Length);
        Assert.Equal(("VIETTEL", "Demo telecom", false, "forbidden", 403), Describe(a[0]));
        Assert.Equal(("VCB", "Demo bank", true, "ok", 200), Describe(a[1]));
        Assert.Equal("ekyc", a[1].GetProperty("purpose").GetString());
        Assert.Equal("population", a[1].GetProperty("service").GetString());
        Assert.True(a[0].GetProperty("at").GetDateTimeOffset() >= a[1].GetProperty("at").GetDateTimeOffset());
        // What only auditors see is not in a citizen's view.
        Assert.All(["client", "transactionId", "hiddenFromCitizen"], name => Assert.False(a[1].TryGetProperty(name, out _), name));

        var b = await _world.TrailItemsAsync(await _world.CitizenTokenAsync(TrailWorld.PersonB), count: 1);
        Assert.Equal(("VCB", "Demo bank", true, "client_error", 404), Describe(Assert.Single(b)));
    }

    [Fact]
    public async Task A_call_by_an_excluded_agency_is_hidden_from_the_citizen()
    {
        Assert.Equal(HttpStatusCode.OK, await _world.CallAboutAsync(TrailWorld.PersonA, TrailWorld.Investigator, "investigation"));
        Assert.Equal(HttpStatusCode.OK, await _world.CallAboutAsync(TrailWorld.PersonA, "vcb-ekyc", "ekyc"));

        var items = await _world.TrailItemsAsync(await _world.CitizenTokenAsync(TrailWorld.PersonA), count: 1);

        // Both calls are metered together: once the bank's shows, the investigator's would have too.
        Assert.Equal(["VCB"], items.Select(i => i.GetProperty("agency").GetString()));
    }

    [Fact]
    public async Task An_exclusion_made_through_the_admin_api_is_audited_and_hides_the_agencys_past_calls_from_citizens()
    {
        Assert.Equal(HttpStatusCode.OK, await _world.CallAboutAsync(TrailWorld.PersonA, "vcb-ekyc", "ekyc"));
        var citizen = await _world.CitizenTokenAsync(TrailWorld.PersonA);
        await _world.TrailItemsAsync(citizen, count: 1);
        var operatorToken = await _world.Gateway.Data.TokenAsync("ops-console");

        using (var unknown = await _world.Gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/trail-exclusions", """{"agency":"NOPE","reason":"x"}""", token: operatorToken))
        {
            await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.UnprocessableEntity, "registry-invalid");
        }

        using (var created = await _world.Gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/trail-exclusions", """{"agency":"VCB","reason":"court order 12/2026"}""", token: operatorToken))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var trail = await _world.TrailAsync(citizen))
        {
            Assert.DoesNotContain("\"VCB\"", await trail.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var audit = await _world.Gateway.Admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/audit?kind=trail-exclusion&id=VCB", token: operatorToken);
        Assert.Contains("court order 12/2026", await audit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_trail_pages_newest_first_and_downloads_as_csv()
    {
        foreach (var purpose in new[] { "ekyc", "ekyc", "ekyc" })
        {
            Assert.Equal(HttpStatusCode.OK, await _world.CallAboutAsync(TrailWorld.PersonA, "vcb-ekyc", purpose));
        }

        var token = await _world.CitizenTokenAsync(TrailWorld.PersonA);
        var all = await _world.TrailItemsAsync(token, count: 3);

        using var first = await _world.TrailAsync(token, "?limit=2");
        using var firstJson = System.Text.Json.JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        var next = firstJson.RootElement.GetProperty("next").GetString();
        using var second = await _world.TrailAsync(token, $"?limit=2&before={next}");
        using var secondJson = System.Text.Json.JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        var paged = firstJson.RootElement.GetProperty("items").EnumerateArray().Concat(secondJson.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(all.Select(i => i.GetProperty("at").GetString()), paged.Select(i => i.GetProperty("at").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, secondJson.RootElement.GetProperty("next").ValueKind);

        using var csv = await _world.TrailAsync(token, accept: "text/csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal("at,agency,agencyName,service,serviceName,purpose,allowed,outcome,status", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.All(lines[1..], line => Assert.Contains(",VCB,Demo bank,population,population,ekyc,true,ok,200", line, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=1001")]
    [InlineData("?limit=ten")]
    [InlineData("?before=not-a-cursor")]
    public async Task Bad_paging_is_an_invalid_query_problem(string query)
    {
        using var response = await _world.TrailAsync(await _world.CitizenTokenAsync(TrailWorld.PersonA), query);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid-query");
    }

    [Fact]
    public async Task Only_a_citizens_token_opens_a_trail_and_a_citizens_token_opens_nothing_else()
    {
        using (var none = await _world.TrailAsync(token: null))
        {
            await ProblemAssert.IsProblemAsync(none, HttpStatusCode.Unauthorized, "token-missing");
        }

        using (var bank = await _world.TrailAsync(await _world.Gateway.Data.TokenAsync("vcb-ekyc")))
        {
            await ProblemAssert.IsProblemAsync(bank, HttpStatusCode.Forbidden, "citizen-token-required");
        }

        using (var forged = await _world.TrailAsync("eyJhbGciOiJub25lIn0.eyJwZXJzb25hbF9pZCI6IjAwMTA5OTAxMjM0NSJ9."))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        var citizen = await _world.CitizenTokenAsync(TrailWorld.PersonA);
        using var dataCall = await _world.Gateway.Data.CallAsync(HttpMethod.Get, $"/population/v1/citizens/{TrailWorld.PersonA}", citizen, "ekyc");
        Assert.Contains(dataCall.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        using var admin = await _world.Gateway.Admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/grants", token: citizen);
        Assert.Contains(admin.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
    }

    [Fact]
    public async Task The_identifier_is_in_no_database_file_log_line_or_metric()
    {
        Assert.Equal(HttpStatusCode.OK, await _world.CallAboutAsync(TrailWorld.PersonA, "vcb-ekyc", "ekyc"));
        Assert.Equal(HttpStatusCode.Forbidden, await _world.CallAboutAsync(TrailWorld.PersonA, "viettel-sim", purpose: null));
        var citizen = await _world.CitizenTokenAsync(TrailWorld.PersonA);
        await _world.TrailItemsAsync(citizen, count: 2);
        using (var auditorSearch = await _world.Gateway.Admin.SendJsonAsync(
            HttpMethod.Post, "/admin/v1/trail/search", $$"""{"subject":"{{TrailWorld.PersonA}}","reason":"case 1"}""", token: await _world.Gateway.Data.TokenAsync(TrailWorld.Auditor)))
        {
            Assert.Equal(HttpStatusCode.OK, auditorSearch.StatusCode);
        }

        using var metrics = await _world.Gateway.Admin.GetAsync("/metrics");
        var scraped = await metrics.Content.ReadAsStringAsync();
        await _world.Gateway.StopAsync();

        var identifier = Encoding.UTF8.GetBytes(TrailWorld.PersonA);
        foreach (var file in Directory.EnumerateFiles(_world.Workspace.DataDirectory, "*", SearchOption.AllDirectories))
        {
            Assert.True(IndexOf(await File.ReadAllBytesAsync(file), identifier) < 0, $"{Path.GetFileName(file)} holds the identifier");
        }

        Assert.DoesNotContain(TrailWorld.PersonA, await LogFile.ReadAsync(_world.LogPath), StringComparison.Ordinal);
        Assert.DoesNotContain(TrailWorld.PersonA, scraped, StringComparison.Ordinal);
        // The search itself went to the files checked: the trail and the audit chain hold the pseudonym instead.
        Assert.Contains("\"Kind\":\"trail\",\"Action\":\"search\"", await LogFile.ReadAsync(_world.LogPath), StringComparison.Ordinal);
    }

    private static (string?, string?, bool, string?, int) Describe(System.Text.Json.JsonElement item) => (
        item.GetProperty("agency").GetString(), item.GetProperty("agencyName").GetString(), item.GetProperty("allowed").GetBoolean(),
        item.GetProperty("outcome").GetString(), item.GetProperty("status").GetInt32());

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
