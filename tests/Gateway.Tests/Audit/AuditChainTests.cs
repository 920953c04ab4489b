using Ndxp.Gateway.Audit;

namespace Ndxp.Gateway.Tests.Audit;

/// <summary>The hash chain's verifier on trails built in memory: whole, reordered, renumbered after reordering.</summary>
public sealed class AuditChainTests
{
    [Fact]
    public void A_sealed_trail_with_its_head_verifies()
    {
        var trail = Trail(4);

        var verification = AuditChain.Verify(trail, Head(trail));

        Assert.True(verification.Valid);
        Assert.Equal(4, verification.VerifiedEntries);
    }

    [Fact]
    public void Two_entries_read_in_each_others_place_break_the_chain_at_the_first_of_them()
    {
        var trail = Trail(4);

        var verification = AuditChain.Verify([trail[0], trail[2], trail[1], trail[3]], Head(trail));

        Assert.False(verification.Valid);
        Assert.Equal(2, verification.FirstBrokenSequence);
        Assert.Equal(1, verification.VerifiedEntries);
        Assert.Contains("out of order", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_entries_swapped_and_renumbered_to_look_in_order_break_the_chain_at_the_first_of_them()
    {
        var trail = Trail(4);
        List<AuditEntry> renumbered = [trail[0], trail[2] with { Sequence = 2 }, trail[1] with { Sequence = 3 }, trail[3]];

        var verification = AuditChain.Verify(renumbered, Head(trail));

        Assert.False(verification.Valid);
        Assert.Equal(2, verification.FirstBrokenSequence);
        Assert.Contains("previous hash", verification.Reason, StringComparison.Ordinal);
    }

    private static AuditHead Head(IReadOnlyList<AuditEntry> trail) => new(trail[^1].Sequence, trail[^1].Hash);

    private static List<AuditEntry> Trail(int count)
    {
        var trail = new List<AuditEntry>();
        var previous = AuditChain.GenesisHash;
        for (var sequence = 1; sequence <= count; sequence++)
        {
            var entry = AuditChain.Seal(new AuditEntry
            {
                Sequence = sequence,
                At = new DateTimeOffset(2026, 1, 15, 12, 0, sequence, TimeSpan.Zero),
                Actor = "ops-console",
                Action = "create",
                Kind = "grant",
                EntityId = $"grant-{sequence}",
                After = $$"""{"id":"grant-{{sequence}}"}""",
                Revision = sequence,
                PreviousHash = "",
                Hash = "",
            }, previous);
            trail.Add(entry);
            previous = entry.Hash;
        }

        return trail;
    }
}
