using Ndxp.Gateway.Forwarding;

namespace Ndxp.Gateway.Tests.Forwarding;

/// <summary>Transaction ids are UUIDv7-shaped, unique and ordered by time, so agencies and providers can quote and sort them.</summary>
public sealed class TransactionIdTests
{
    [Fact]
    public void Ids_are_32_hex_digits_in_the_uuidv7_layout_and_parse_as_such()
    {
        var at = DateTimeOffset.Parse("2026-12-01T10:00:00.123Z", System.Globalization.CultureInfo.InvariantCulture);

        var id = Transaction.NewId(at);

        Assert.Matches("^[0-9a-f]{32}$", id);
        var uuid = Guid.ParseExact(id, "N");
        Assert.Equal(7, uuid.Version);
        Assert.Contains(id[16], "89ab"); // the RFC 9562 variant
        Assert.Equal(at.ToUnixTimeMilliseconds(), Convert.ToInt64(id[..12], 16));
    }

    [Fact]
    public void A_hundred_thousand_ids_in_one_millisecond_are_all_different()
    {
        var at = DateTimeOffset.UnixEpoch.AddYears(56);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 100_000; i++)
        {
            Assert.True(ids.Add(Transaction.NewId(at)));
        }
    }

    [Fact]
    public void A_later_call_sorts_after_an_earlier_one()
    {
        var earlier = Transaction.NewId(DateTimeOffset.UnixEpoch.AddYears(56));
        var later = Transaction.NewId(DateTimeOffset.UnixEpoch.AddYears(56).AddMilliseconds(1));

        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }
}
