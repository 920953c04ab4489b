using System.Globalization;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Metering;

/// <summary>How usage is grouped in time; all periods are UTC.</summary>
public enum UsageGrouping
{
    Hour,
    Day,
    Month,
}

/// <summary>
/// A usage report request: <c>from</c>/<c>to</c> (ISO 8601 with <c>Z</c> or an offset, converted to UTC, rounded down
/// to the hour: aggregates are hourly), <c>agency</c>, <c>client</c>, <c>service</c>, <c>outcome</c>, <c>groupBy</c>.
/// </summary>
public sealed record UsageQuery(UsageFilter Filter, UsageGrouping GroupBy)
{
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);

    /// <summary>Parses the query string; on failure names the parameter and what is wrong with it.</summary>
    public static bool TryParse(IQueryCollection query, DateTimeOffset now, out UsageQuery? result, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        result = null;
        error = null;

        var to = HourFloor(now).AddHours(1);
        if (query.TryGetValue("to", out var toValue) && !TryParseTime(toValue, out to))
        {
            error = "to: not an ISO 8601 time with a UTC designator or offset, e.g. 2026-11-23T00:00:00Z";
            return false;
        }

        var from = to.AddDays(-1);
        if (query.TryGetValue("from", out var fromValue) && !TryParseTime(fromValue, out from))
        {
            error = "from: not an ISO 8601 time with a UTC designator or offset, e.g. 2026-11-22T00:00:00Z";
            return false;
        }

        from = HourFloor(from);
        to = HourFloor(to);
        if (from >= to)
        {
            error = "from: must be at least one hour before to";
            return false;
        }

        if (to - from > MaxRange)
        {
            error = $"to: the range may span at most {MaxRange.TotalDays} days";
            return false;
        }

        var groupBy = UsageGrouping.Day;
        if (query.TryGetValue("groupBy", out var groupValue) && !Enum.TryParse(groupValue.ToString(), ignoreCase: true, out groupBy))
        {
            error = "groupBy: must be hour, day or month";
            return false;
        }

        Outcome? outcome = null;
        if (query.TryGetValue("outcome", out var outcomeValue))
        {
            if (!OutcomeNames.TryParse(outcomeValue.ToString(), out var parsed))
            {
                error = $"outcome: must be one of {string.Join(", ", OutcomeNames.All)}";
                return false;
            }

            outcome = parsed;
        }

        result = new UsageQuery(
            new UsageFilter(from, to)
            {
                Agency = Single(query, "agency"),
                Client = Single(query, "client"),
                Service = Single(query, "service"),
                Outcome = outcome,
            },
            groupBy);
        return true;
    }

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && value.Count > 0 && !string.IsNullOrEmpty(value[0]) ? value[0] : null;

    private static bool TryParseTime(Microsoft.Extensions.Primitives.StringValues value, out DateTimeOffset time)
    {
        var text = value.ToString();
        // A time without a designator would be read in the server's zone; usage is in UTC, so that is refused.
        var hasZone = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && (text[^6] == '+' || text[^6] == '-'));
        var parsed = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out time);
        time = time.ToUniversalTime();
        return value.Count == 1 && hasZone && parsed;
    }

    private static DateTimeOffset HourFloor(DateTimeOffset time) => HourlyUsage.HourOf(time);
}
