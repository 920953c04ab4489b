using Ndxp.Gateway.Audit;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Registry;

/// <summary>What every registry store must do; run against SQLite and against a real PostgreSQL.</summary>
public abstract class RegistryStoreContract
{
    private static readonly RegistryDocument Document = TestRegistry.Build("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3");

    protected abstract Task<IRegistryStore> NewStoreAsync();

    /// <summary>Runs SQL on the store's database directly, as someone with database access (not the gateway) would.</summary>
    protected abstract Task ExecuteSqlAsync(IRegistryStore store, string sql);

    /// <summary>SQL that lifts the audit table's append-only triggers: a tamperer with database rights can.</summary>
    protected abstract string DropAppendOnlyGuard { get; }

    [Fact]
    public async Task New_store_is_empty_at_revision_zero()
    {
        var store = await NewStoreAsync();

        Assert.True(await store.IsEmptyAsync(CancellationToken.None));
        var stored = await store.ReadAsync(CancellationToken.None);
        Assert.Equal(0, stored.Revision);
        Assert.Empty(stored.Document.Agencies);
        Assert.Equal(AuditHead.Empty, await store.ReadAuditHeadAsync(CancellationToken.None));
        Assert.True((await AuditVerifier.VerifyAsync(store, CancellationToken.None)).Valid);
    }

    [Fact]
    public async Task Registry_round_trips_each_commit_bumps_the_revision_once_and_versions_follow_it()
    {
        var store = await NewStoreAsync();

        Assert.Equal(1, await store.ApplyAsync(Document));
        var changed = Document with { Grants = [.. Document.Grants.Skip(1), Document.Grants[0] with { DailyQuota = 7 }] };
        Assert.Equal(2, await store.ApplyAsync(changed));

        var stored = await store.ReadAsync(CancellationToken.None);
        Assert.Equal(2, stored.Revision);
        Assert.Equal(2, stored.VersionOf(RegistryEntities.GrantKind, Document.Grants[0].Id));
        Assert.Equal(1, stored.VersionOf(RegistryEntities.GrantKind, Document.Grants[1].Id));
        // The stored document is the written one, entity for entity (compared as the registry writes them).
        Assert.Empty(RegistryDiff.Between(changed, stored.Document));
        Assert.Empty(RegistryValidator.Validate(stored.Document));
    }

    [Fact]
    public async Task A_plan_that_changes_nothing_commits_nothing_and_a_refusing_plan_leaves_the_store_as_it_was()
    {
        var store = await NewStoreAsync();
        await store.ApplyAsync(Document);
        var head = await store.ReadAuditHeadAsync(CancellationToken.None);

        var same = await store.CommitAsync(s => DeclarativeRegistry.Plan(s.Document, Document), RegistryStoreWrites.TestActor, CancellationToken.None);
        Assert.Empty(same.Changes);
        Assert.Equal(1, same.Revision);

        var invalid = Document with { Grants = [.. Document.Grants, new Grant { Id = "broken", ConsumerAgency = "NOPE", Service = "population" }] };
        await Assert.ThrowsAsync<RegistryValidationException>(() => store.ApplyAsync(invalid));

        Assert.Equal(1, await store.GetRevisionAsync(CancellationToken.None));
        Assert.Equal(head, await store.ReadAuditHeadAsync(CancellationToken.None));
        Assert.DoesNotContain((await store.ReadAsync(CancellationToken.None)).Document.Grants, g => g.Id == "broken");
    }

    [Fact]
    public async Task Every_change_is_audited_with_who_what_before_and_after_and_never_a_secret_hash()
    {
        var store = await NewStoreAsync();
        await store.ApplyAsync(Document);
        var client = Document.Clients[0];
        var actor = new AuditActor("ops-console", "NDXP", "10.0.0.9");

        var rotated = client with { SecretHash = TestRegistry.SecretHash + "x" };
        await store.CommitAsync(s => RegistryDiff.Between(s.Document, RegistryEntityKind.Clients.Put(s.Document, rotated), "rotate-secret"), actor, CancellationToken.None);

        var entries = await store.ReadAuditAsync(AuditQuery.OldestFirst(0, 1000), CancellationToken.None);
        Assert.Equal(Document.Agencies.Count + Document.Clients.Count + Document.Services.Count + Document.Grants.Count + 1, entries.Count);
        var last = entries[^1];
        Assert.Equal(("ops-console", "NDXP", "10.0.0.9", "rotate-secret", "client", client.Id, 2L), (last.Actor, last.ActorAgency, last.Source, last.Action, last.Kind, last.EntityId, last.Revision));
        Assert.Contains(client.Agency, last.Before, StringComparison.Ordinal);
        Assert.All(entries, e => Assert.DoesNotContain("pbkdf2", (e.Before ?? "") + e.After, StringComparison.Ordinal));
        Assert.Equal(new AuditHead(last.Sequence, last.Hash), await store.ReadAuditHeadAsync(CancellationToken.None));
        Assert.True((await AuditVerifier.VerifyAsync(store, CancellationToken.None)).Valid);
    }

    [Fact]
    public async Task Concurrent_commits_are_serialized_none_is_lost_and_the_chain_stays_whole()
    {
        var store = await NewStoreAsync();
        await store.ApplyAsync(Document);

        // Each commit adds one grant to the registry it reads: a commit planned from a stale read would drop others.
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => store.CommitAsync(
            s => RegistryDiff.Between(s.Document, RegistryEntityKind.Grants.Put(s.Document, new Grant { Id = $"concurrent-{i}", ConsumerAgency = "VCB", Service = "enterprise" })),
            RegistryStoreWrites.TestActor, CancellationToken.None))));

        Assert.Equal(Enumerable.Range(2, 12).Select(r => (long)r), results.Select(r => r.Revision).Order());
        var stored = await store.ReadAsync(CancellationToken.None);
        Assert.Equal(12, stored.Document.Grants.Count(g => g.Id.StartsWith("concurrent-", StringComparison.Ordinal)));
        Assert.True((await AuditVerifier.VerifyAsync(store, CancellationToken.None)).Valid);
    }

    [Fact]
    public async Task The_trail_refuses_updates_and_deletes_from_the_database_side()
    {
        var store = await NewStoreAsync();
        await store.ApplyAsync(Document);

        // Refused by the trail's own guard (its message), not by some unrelated error in the statement.
        var update = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => ExecuteSqlAsync(store, "UPDATE registry_audit SET actor = 'someone-else' WHERE sequence = 2"));
        Assert.Contains("registry_audit is append-only", update.Message, StringComparison.Ordinal);
        var delete = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => ExecuteSqlAsync(store, "DELETE FROM registry_audit WHERE sequence = 2"));
        Assert.Contains("registry_audit is append-only", delete.Message, StringComparison.Ordinal);
        Assert.True((await AuditVerifier.VerifyAsync(store, CancellationToken.None)).Valid);
    }

    [Fact]
    public async Task Verification_points_at_an_altered_entry()
    {
        var store = await NewStoreAsync();
        await store.ApplyAsync(Document);
        await ExecuteSqlAsync(store, DropAppendOnlyGuard);

        await ExecuteSqlAsync(store, "UPDATE registry_audit SET actor = 'someone-else' WHERE sequence = 3");

        var verification = await AuditVerifier.VerifyAsync(store, CancellationToken.None);
        Assert.False(verification.Valid);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Contains("altered", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verification_points_at_an_entry_altered_with_its_hash_recomputed()
    {
        var store = await NewStoreAsync();
        await store.ApplyAsync(Document);
        await ExecuteSqlAsync(store, DropAppendOnlyGuard);
        var entry = (await store.ReadAuditAsync(AuditQuery.OldestFirst(2, 1), CancellationToken.None))[0];
        var forged = AuditChain.Seal(entry with { After = entry.After!.Replace("active", "suspended", StringComparison.Ordinal) }, entry.PreviousHash);

        await ExecuteSqlAsync(store, $"UPDATE registry_audit SET after = '{forged.After}', hash = '{forged.Hash}' WHERE sequence = 3");

        // The forged entry's own hash is right; the next entry's link to it is not.
        var verification = await AuditVerifier.VerifyAsync(store, CancellationToken.None);
        Assert.False(verification.Valid);
        Assert.Equal(4, verification.FirstBrokenSequence);
    }

    [Fact]
    public async Task Verification_points_at_the_first_of_two_entries_that_swapped_places()
    {
        var store = await NewStoreAsync();
        await store.ApplyAsync(Document);
        await ExecuteSqlAsync(store, DropAppendOnlyGuard);

        // Entries 4 and 5 trade sequence numbers: each keeps its content and hash, the order is what changed.
        await ExecuteSqlAsync(store, "UPDATE registry_audit SET sequence = -5 WHERE sequence = 5");
        await ExecuteSqlAsync(store, "UPDATE registry_audit SET sequence = 5 WHERE sequence = 4");
        await ExecuteSqlAsync(store, "UPDATE registry_audit SET sequence = 4 WHERE sequence = -5");

        var verification = await AuditVerifier.VerifyAsync(store, CancellationToken.None);
        Assert.False(verification.Valid);
        Assert.Equal(4, verification.FirstBrokenSequence);
        Assert.Equal(3, verification.VerifiedEntries);
    }

    [Fact]
    public async Task Verification_points_at_a_deleted_entry_and_at_entries_cut_off_at_the_end()
    {
        var store = await NewStoreAsync();
        await store.ApplyAsync(Document);
        await ExecuteSqlAsync(store, DropAppendOnlyGuard);
        var head = await store.ReadAuditHeadAsync(CancellationToken.None);

        await ExecuteSqlAsync(store, $"DELETE FROM registry_audit WHERE sequence = {head.Sequence}");
        var cut = await AuditVerifier.VerifyAsync(store, CancellationToken.None);
        Assert.False(cut.Valid);
        Assert.Equal(head.Sequence, cut.FirstBrokenSequence);
        Assert.Contains("removed", cut.Reason, StringComparison.Ordinal);

        await ExecuteSqlAsync(store, "DELETE FROM registry_audit WHERE sequence = 5");
        var gap = await AuditVerifier.VerifyAsync(store, CancellationToken.None);
        Assert.False(gap.Valid);
        Assert.Equal(5, gap.FirstBrokenSequence);
        Assert.Equal(4, gap.VerifiedEntries);
    }

    [Fact]
    public async Task Initialize_is_idempotent_and_keeps_data()
    {
        var store = await NewStoreAsync();
        await store.ApplyAsync(Document);

        await store.InitializeAsync(CancellationToken.None);

        Assert.False(await store.IsEmptyAsync(CancellationToken.None));
        Assert.True((await AuditVerifier.VerifyAsync(store, CancellationToken.None)).Valid);
    }
}
