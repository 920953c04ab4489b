using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Admin;

/// <summary>The audit trail as operators and auditors read and verify it, over HTTP and from the command line.</summary>
public sealed class AuditApiTests : IAsyncLifetime
{
    private readonly AdminFixture _gateway = new();

    public Task InitializeAsync() => _gateway.InitializeAsync();

    public Task DisposeAsync() => _gateway.DisposeAsync();

    [Fact]
    public async Task Each_change_is_recorded_with_who_from_where_what_before_and_after()
    {
        using var created = await _gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants", """{"id":"audited","consumerAgency":"HNI","service":"enterprise"}""");
        using var updated = await _gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/grants/audited",
            """{"id":"audited","consumerAgency":"HNI","service":"enterprise","dailyQuota":10}""", created.ETag());
        using var deleted = await _gateway.Admin.SendJsonAsync(HttpMethod.Delete, "/admin/v1/grants/audited", ifMatch: updated.ETag());

        using var page = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/audit?kind=grant&id=audited&limit=1000"));
        var entries = page.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["create", "update", "delete"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.All(entries, e =>
        {
            Assert.Equal("ops-console", e.GetProperty("actor").GetString());
            Assert.Equal("NDXP", e.GetProperty("actorAgency").GetString());
            Assert.Equal("127.0.0.1", e.GetProperty("source").GetString());
        });
        Assert.Equal(JsonValueKind.Null, entries[0].GetProperty("before").ValueKind);
        Assert.False(entries[1].GetProperty("before").TryGetProperty("dailyQuota", out _));
        Assert.Equal(10, entries[1].GetProperty("after").GetProperty("dailyQuota").GetInt32());
        Assert.Equal(JsonValueKind.Null, entries[2].GetProperty("after").ValueKind);
        Assert.True(entries[1].GetProperty("sequence").GetInt64() > entries[0].GetProperty("sequence").GetInt64());

        using var verify = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/audit/verify"));
        Assert.True(verify.RootElement.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task The_trail_pages_oldest_first_and_bad_paging_is_400()
    {
        using var first = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/audit?limit=5"));
        var next = first.RootElement.GetProperty("next").GetInt64();
        Assert.Equal(5, next);
        using var second = JsonDocument.Parse(await _gateway.Admin.GetStringAsync($"/admin/v1/audit?after={next}&limit=5"));
        Assert.Equal(6, second.RootElement.GetProperty("items")[0].GetProperty("sequence").GetInt64());

        foreach (var query in new[] { "limit=0", "limit=5000", "after=-1", "after=x" })
        {
            using var response = await _gateway.Admin.GetAsync("/admin/v1/audit?" + query);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid-query");
        }
    }

    [Fact]
    public async Task The_trail_reads_newest_first_paged_with_before_and_filtered_by_actor_in_the_store()
    {
        using var all = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/audit?limit=1000"));
        var sequences = all.RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToList();

        using var first = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/audit?order=newest&limit=3"));
        var newest = first.RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.OrderDescending().Take(3), newest);
        var before = first.RootElement.GetProperty("next").GetInt64();
        Assert.Equal(newest[^1], before);
        using var second = JsonDocument.Parse(await _gateway.Admin.GetStringAsync($"/admin/v1/audit?order=newest&limit=3&before={before}"));
        Assert.Equal(sequences.OrderDescending().Skip(3).Take(3), second.RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));

        // A filter applies before the limit: the one matching entry is found however far back it lies.
        using var created = await _gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/grants", """{"id":"newest-filter","consumerAgency":"HNI","service":"enterprise"}""");
        using var byActor = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/audit?order=newest&limit=1&actor=ops-console&kind=grant&id=newest-filter"));
        Assert.Equal("newest-filter", byActor.RootElement.GetProperty("items")[0].GetProperty("entityId").GetString());
        using var nobody = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/audit?actor=nobody"));
        Assert.Equal(0, nobody.RootElement.GetProperty("items").GetArrayLength());

        foreach (var query in new[] { "order=sideways", "order=newest&before=0", "order=newest&before=x", "before=5" })
        {
            using var response = await _gateway.Admin.GetAsync("/admin/v1/audit?" + query);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid-query");
        }
    }

    [Fact]
    public async Task Tampering_with_the_stored_trail_is_detected_by_the_endpoint_and_the_command()
    {
        Assert.Equal(0, await VerifyCommandAsync());
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_gateway.DataDirectory, "gateway.db")}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // Someone with access to the database file lifts the append-only guard and rewrites who made change 4.
            command.CommandText = """
                DROP TRIGGER registry_audit_no_update;
                UPDATE registry_audit SET actor = 'someone-else' WHERE sequence = 4;
                """;
            await command.ExecuteNonQueryAsync();
        }

        using var verify = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/v1/audit/verify"));
        Assert.False(verify.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(4, verify.RootElement.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Equal(1, await VerifyCommandAsync());
    }

    private async Task<int> VerifyCommandAsync() => (await OperatorCommand.RunAsync("audit", "verify", $"--Gateway:DataDirectory={_gateway.DataDirectory}")).ExitCode;
}
