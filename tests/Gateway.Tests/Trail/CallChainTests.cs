using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Trail;

/// <summary>The gateway's chain of call records, end to end: the endpoint, the command, the log's copy of the heads, restarts and key rotation.</summary>
public sealed class CallChainTests : IAsyncLifetime
{
    private TrailWorld _world = null!;

    public async Task InitializeAsync() => _world = await TrailWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task The_endpoint_and_the_command_verify_the_chain_and_name_the_batch_an_edit_broke()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await _world.CallAboutAsync(TrailWorld.PersonA, "vcb-ekyc", "ekyc"));
        }

        await _world.TrailItemsAsync(await _world.CitizenTokenAsync(TrailWorld.PersonA), count: 3);
        var intact = await VerifyAsync();
        Assert.True(intact.GetProperty("valid").GetBoolean());
        var chain = Assert.Single(intact.GetProperty("chains").EnumerateArray());
        Assert.Equal("trail-test-node", chain.GetProperty("chain").GetString());
        Assert.True(chain.GetProperty("verifiedRecords").GetInt64() >= 3);
        Assert.Equal(0, await CommandAsync(expectBroken: false));

        // Someone with the database file rewrites what a call's answer was.
        await ExecuteAsync("UPDATE usage_record SET status = 500 WHERE transaction_id = (SELECT transaction_id FROM usage_record ORDER BY ts LIMIT 1)");

        var broken = await VerifyAsync();
        Assert.False(broken.GetProperty("valid").GetBoolean());
        var brokenChain = Assert.Single(broken.GetProperty("chains").EnumerateArray());
        Assert.Equal(1, brokenChain.GetProperty("firstBrokenBatch").GetInt64());
        Assert.Equal(1, await CommandAsync(expectBroken: true));
    }

    [Fact]
    public async Task Each_seal_goes_to_the_log_so_a_rewritten_head_shows_against_it()
    {
        Assert.Equal(HttpStatusCode.OK, await _world.CallAboutAsync(TrailWorld.PersonA, "vcb-ekyc", "ekyc"));
        await _world.TrailItemsAsync(await _world.CitizenTokenAsync(TrailWorld.PersonA), count: 1);

        var head = await ReadHeadAsync();
        var log = await Poll.UntilAsync(() => LogFile.ReadAsync(_world.LogPath), text => text.Contains(head.Hash, StringComparison.Ordinal));

        Assert.Contains($"\"Sequence\":{head.Sequence},\"Hash\":\"{head.Hash}\"", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restart_continues_the_chain_and_a_new_pseudonym_key_keeps_older_entries_findable()
    {
        Assert.Equal(HttpStatusCode.OK, await _world.CallAboutAsync(TrailWorld.PersonA, "vcb-ekyc", "ekyc"));
        await _world.TrailItemsAsync(await _world.CitizenTokenAsync(TrailWorld.PersonA), count: 1);
        var before = await ReadHeadAsync();

        // Rotation: a new key file that sorts after the first becomes the active one at the next start.
        var keys = Path.Combine(_world.Workspace.DataDirectory, "trail-keys");
        await File.WriteAllTextAsync(Path.Combine(keys, "99991231-rotated.key"), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        await _world.RestartAsync();
        Assert.Equal(HttpStatusCode.Forbidden, await _world.CallAboutAsync(TrailWorld.PersonA, "viettel-sim", purpose: null));

        var items = await _world.TrailItemsAsync(await _world.CitizenTokenAsync(TrailWorld.PersonA), count: 2);
        Assert.Equal(["VIETTEL", "VCB"], items.Select(i => i.GetProperty("agency").GetString()));
        Assert.Equal(2, await CountAsync("SELECT COUNT(DISTINCT subject_key) FROM trail_entry"));
        Assert.Equal(2, await CountAsync("SELECT COUNT(DISTINCT subject) FROM trail_entry"));

        var after = await ReadHeadAsync();
        Assert.True(after.Sequence > before.Sequence);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM call_chain"));
        Assert.True((await VerifyAsync()).GetProperty("valid").GetBoolean());
    }

    private async Task<JsonElement> VerifyAsync()
    {
        using var response = await _world.Gateway.Admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/calls/verify", token: await _world.Gateway.Data.TokenAsync("ops-console"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<int> CommandAsync(bool expectBroken)
    {
        var (code, output) = await OperatorCommand.RunAsync("audit", "verify-calls", $"--Gateway:DataDirectory={_world.Workspace.DataDirectory}");
        Assert.Contains(expectBroken ? "call records BROKEN: chain 'trail-test-node' batch 1" : "call records intact", output, StringComparison.Ordinal);
        return code;
    }

    private async Task<ChainLink> ReadHeadAsync()
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT head_seq, head_hash FROM call_chain";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return new ChainLink(reader.GetInt64(0), reader.GetString(1));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private SqliteConnection Open() => new($"Data Source={Path.Combine(_world.Workspace.DataDirectory, "gateway.db")}");
}
