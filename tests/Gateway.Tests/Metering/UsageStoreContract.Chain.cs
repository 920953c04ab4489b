using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Trail;

namespace Ndxp.Gateway.Tests.Metering;

/// <summary>The call chain and the access trail, in every usage store: what verification detects, and what retention keeps.</summary>
public abstract partial class UsageStoreContract
{
    // What a person with write access to the database might do, and the batch verification must name.
    public static TheoryData<string, string, long?> TamperCases => new()
    {
        { "altered record", "UPDATE usage_record SET latency_ms = 1 WHERE transaction_id = 'b2'", 2 },
        { "record given to another agency", "UPDATE usage_record SET agency = 'HNI' WHERE transaction_id = 'a1'", 1 },
        { "deleted record", "DELETE FROM usage_record WHERE transaction_id = 'b1'", 2 },
        {
            "record inserted into a batch",
            """
            INSERT INTO usage_record (transaction_id, ts, agency, client, service, method, status, outcome, latency_ms, request_bytes, response_bytes, chain_id, batch_seq, batch_pos)
            SELECT 'forged', ts, agency, client, service, method, status, outcome, latency_ms, request_bytes, response_bytes, chain_id, batch_seq, 2
            FROM usage_record WHERE transaction_id = 'b1'
            """,
            2
        },
        {
            "record inserted outside any batch",
            """
            INSERT INTO usage_record (transaction_id, ts, agency, client, service, method, status, outcome, latency_ms, request_bytes, response_bytes)
            SELECT 'forged', ts, agency, client, service, method, status, outcome, latency_ms, request_bytes, response_bytes
            FROM usage_record WHERE transaction_id = 'b1'
            """,
            null
        },
        { "records reordered", "UPDATE usage_record SET batch_pos = CASE transaction_id WHEN 'a1' THEN 2 ELSE 0 END WHERE transaction_id IN ('a1', 'a3')", 1 },
        { "trail entry given to another agency", "UPDATE trail_entry SET agency = 'HNI' WHERE transaction_id = 'b1'", 2 },
        { "trail entry deleted", "DELETE FROM trail_entry WHERE transaction_id = 'c2'", 3 },
        { "seal altered", "UPDATE call_batch SET record_count = 1 WHERE seq = 2", 2 },
        {
            "batch deleted from the middle",
            "DELETE FROM call_batch WHERE seq = 2; DELETE FROM usage_record WHERE batch_seq = 2; DELETE FROM trail_entry WHERE batch_seq = 2",
            3
        },
        {
            "batches reordered",
            """
            UPDATE call_batch SET seq = 100 WHERE seq = 1; UPDATE call_batch SET seq = 1 WHERE seq = 2; UPDATE call_batch SET seq = 2 WHERE seq = 100;
            UPDATE usage_record SET batch_seq = 100 WHERE batch_seq = 1; UPDATE usage_record SET batch_seq = 1 WHERE batch_seq = 2; UPDATE usage_record SET batch_seq = 2 WHERE batch_seq = 100;
            UPDATE trail_entry SET batch_seq = 100 WHERE batch_seq = 1; UPDATE trail_entry SET batch_seq = 1 WHERE batch_seq = 2; UPDATE trail_entry SET batch_seq = 2 WHERE batch_seq = 100
            """,
            1
        },
        {
            "tail cut off",
            "DELETE FROM call_batch WHERE seq = 3; DELETE FROM usage_record WHERE batch_seq = 3; DELETE FROM trail_entry WHERE batch_seq = 3",
            3
        },
    };

    [Fact]
    public async Task Each_stored_batch_is_sealed_onto_the_one_before_and_the_chain_verifies()
    {
        var store = await NewStoreAsync();

        var seals = await WriteThreeBatchesAsync(store);

        Assert.Equal([1L, 2L, 3L], seals.Select(s => s.Sequence));
        Assert.Equal(MeteringChainGenesis, seals[0].PreviousHash);
        Assert.Equal(seals[0].Hash, seals[1].PreviousHash);
        Assert.Equal(seals[1].Hash, seals[2].PreviousHash);
        Assert.Equal([3, 2, 2], seals.Select(s => s.RecordCount));
        Assert.Equal([1, 1, 1], seals.Select(s => s.TrailCount));
        var verification = await CallChainVerifier.VerifyAsync((ICallChainStore)store, CancellationToken.None);
        Assert.True(verification.Valid, verification.FirstProblem);
        var chain = Assert.Single(verification.Chains);
        Assert.Equal(("test-chain", 3L, 7L), (chain.Chain, chain.VerifiedBatches, chain.VerifiedRecords));
    }

    [Theory]
    [MemberData(nameof(TamperCases))]
    public async Task Verification_names_the_first_batch_a_change_in_the_database_broke(string change, string sql, long? brokenBatch)
    {
        var store = await NewStoreAsync();
        await WriteThreeBatchesAsync(store);

        await ExecuteSqlAsync(sql);

        var verification = await CallChainVerifier.VerifyAsync((ICallChainStore)store, CancellationToken.None);
        Assert.False(verification.Valid, change);
        Assert.Equal(brokenBatch, verification.Chains.Single().FirstBrokenBatch);
        Assert.Equal(brokenBatch is null ? 1 : 0, verification.UnsealedItems);
        Assert.NotNull(verification.FirstProblem);
    }

    [Fact]
    public async Task Writing_records_again_seals_only_the_new_ones_and_the_chain_still_verifies()
    {
        var store = await NewStoreAsync();
        var batch = new[] { Record("r1", Hour), Record("r2", Hour) };
        Assert.NotNull((await store.WriteAsync(batch, CancellationToken.None)).Seal);

        // A replay after a lost commit acknowledgement: nothing new, no seal; then a batch half replayed, half new.
        Assert.Null((await store.WriteAsync(batch, CancellationToken.None)).Seal);
        var mixed = await store.WriteAsync([batch[1], Record("r3", Hour), batch[0], Record("r4", Hour)], CancellationToken.None);

        Assert.Equal((2, 2L, 2), (mixed.Inserted, mixed.Seal!.Sequence, mixed.Seal.RecordCount));
        var verification = await CallChainVerifier.VerifyAsync((ICallChainStore)store, CancellationToken.None);
        Assert.True(verification.Valid, verification.FirstProblem);
    }

    [Fact]
    public async Task Replicas_keep_chains_of_their_own_in_one_database_and_a_break_names_its_chain()
    {
        var first = await NewStoreAsync("replica-a");
        var second = await AnotherReplicaAsync("replica-b");
        await first.WriteAsync([Record("a1", Hour), Record("a2", Hour)], CancellationToken.None);
        await second.WriteAsync([Record("b1", Hour)], CancellationToken.None);
        await first.WriteAsync([Record("a3", Hour)], CancellationToken.None);
        Assert.Equal(2L, (await second.WriteAsync([Record("b2", Hour)], CancellationToken.None)).Seal!.Sequence);

        var intact = await CallChainVerifier.VerifyAsync((ICallChainStore)first, CancellationToken.None);
        Assert.True(intact.Valid, intact.FirstProblem);
        Assert.Equal(["replica-a", "replica-b"], intact.Chains.Select(c => c.Chain));

        await ExecuteSqlAsync("UPDATE usage_record SET status = 500 WHERE transaction_id = 'b2'");

        var broken = await CallChainVerifier.VerifyAsync((ICallChainStore)second, CancellationToken.None);
        Assert.Equal([true, false], broken.Chains.Select(c => c.Valid));
        Assert.Contains("replica-b", broken.FirstProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_removes_records_trail_entries_and_seals_on_their_own_clocks_and_what_remains_verifies()
    {
        var store = await NewStoreAsync();
        await store.WriteAsync([Record("old1", Hour), Record("old2", Hour) with { Subject = "s-1", SubjectKey = "k1" }], CancellationToken.None);
        Clock.Advance(TimeSpan.FromDays(2));
        await store.WriteAsync([Record("new1", Hour.AddDays(2)) with { Subject = "s-1", SubjectKey = "k1" }], CancellationToken.None);
        var now = Clock.GetUtcNow();

        // Raw records older than a day go; the trail (kept longer) and so the seals stay.
        Assert.Equal(new PrunedItems(2, 0, 0), await store.PruneAsync(now.AddDays(-1), now.AddDays(-30), sliceRows: 1, CancellationToken.None));
        var afterRecords = await CallChainVerifier.VerifyAsync((ICallChainStore)store, CancellationToken.None);
        Assert.True(afterRecords.Valid, afterRecords.FirstProblem);
        Assert.Equal(2, (await TrailOfAsync(store, "s-1")).Count);

        // Then the old trail entry goes, and with it the seal whose records and entries are both gone.
        Assert.Equal(new PrunedItems(0, 1, 1), await store.PruneAsync(now.AddDays(-1), now.AddDays(-1), sliceRows: 1, CancellationToken.None));
        var afterTrail = await CallChainVerifier.VerifyAsync((ICallChainStore)store, CancellationToken.None);
        Assert.True(afterTrail.Valid, afterTrail.FirstProblem);
        Assert.Equal(1, afterTrail.Chains.Single().VerifiedBatches);
        Assert.Equal(["new1"], (await TrailOfAsync(store, "s-1")).Select(e => e.TransactionId));

        // What remains is still guarded.
        await ExecuteSqlAsync("DELETE FROM usage_record WHERE transaction_id = 'new1'");
        Assert.Equal(2, (await CallChainVerifier.VerifyAsync((ICallChainStore)store, CancellationToken.None)).Chains.Single().FirstBrokenBatch);
    }

    [Fact]
    public async Task A_trail_reads_newest_first_in_pages_under_every_key_version_without_hidden_agencies()
    {
        var store = await NewStoreAsync();
        await store.WriteAsync(
        [
            Record("t1", Hour.AddMinutes(1)) with { Subject = "old-key-pseudonym", SubjectKey = "k1" },
            Record("t2", Hour.AddMinutes(2)) with { Subject = "new-key-pseudonym", SubjectKey = "k2", Outcome = Outcome.Forbidden, Status = 403 },
            Record("t3", Hour.AddMinutes(3)) with { Subject = "new-key-pseudonym", SubjectKey = "k2", Agency = "VKSNDTC" },
            Record("t4", Hour.AddMinutes(4)) with { Subject = "someone-else", SubjectKey = "k2" },
            Record("t5", Hour.AddMinutes(5)),
        ], CancellationToken.None);
        SubjectPseudonym[] person = [new("k1", "old-key-pseudonym"), new("k2", "new-key-pseudonym")];

        var all = await ((ITrailStore)store).ReadTrailAsync(new TrailQuery(person, 10), CancellationToken.None);
        Assert.Equal(["t3", "t2", "t1"], all.Select(e => e.TransactionId));
        Assert.Equal((Outcome.Forbidden, 403, "ekyc"), (all[1].Outcome, all[1].Status, all[1].Purpose));

        var shown = await ((ITrailStore)store).ReadTrailAsync(new TrailQuery(person, 10) { HiddenAgencies = ["VKSNDTC"] }, CancellationToken.None);
        Assert.Equal(["t2", "t1"], shown.Select(e => e.TransactionId));

        var firstPage = await ((ITrailStore)store).ReadTrailAsync(new TrailQuery(person, 2), CancellationToken.None);
        var secondPage = await ((ITrailStore)store).ReadTrailAsync(new TrailQuery(person, 2) { Before = TrailCursor.After(firstPage[^1]) }, CancellationToken.None);
        Assert.Equal(["t3", "t2", "t1"], firstPage.Concat(secondPage).Select(e => e.TransactionId));

        Assert.Empty(await ((ITrailStore)store).ReadTrailAsync(new TrailQuery([new("k1", "new-key-pseudonym")], 10), CancellationToken.None));
    }

    private const string MeteringChainGenesis = CallChain.GenesisHash;

    private static Task<IReadOnlyList<TrailEntry>> TrailOfAsync(IUsageStore store, string pseudonym) =>
        ((ITrailStore)store).ReadTrailAsync(new TrailQuery([new("k1", pseudonym)], 10), CancellationToken.None);

    // Three batches a second apart: a1-a3, b1-b2, c1-c2; a2, b1 and c2 name a data subject.
    private async Task<List<CallBatchSeal>> WriteThreeBatchesAsync(IUsageStore store)
    {
        var seals = new List<CallBatchSeal>();
        foreach (var batch in new[] { new[] { "a1", "a2", "a3" }, ["b1", "b2"], ["c1", "c2"] })
        {
            var records = batch.Select((id, i) => Record(id, Hour.AddMinutes(seals.Count).AddSeconds(i), latencyMs: 10.25 + i)).ToList();
            var subject = batch.Length == 3 ? 1 : seals.Count == 1 ? 0 : 1;
            records[subject] = records[subject] with { Subject = $"pseudonym-{batch[subject]}", SubjectKey = "k1" };
            seals.Add((await store.WriteAsync(records, CancellationToken.None)).Seal!);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        return seals;
    }
}
