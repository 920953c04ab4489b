using System.Globalization;

namespace Ndxp.Gateway.Hosting;

/// <summary>A paging number in a query string (<c>after</c>, <c>limit</c>): absent, or exactly one plain number in range.</summary>
internal static class QueryNumber
{
    /// <summary>True with <paramref name="fallback"/> when absent; false when repeated, not a number or out of range.</summary>
    public static bool TryRead(IQueryCollection query, string name, long min, long max, long fallback, out long value)
    {
        ArgumentNullException.ThrowIfNull(query);
        value = fallback;
        if (!query.TryGetValue(name, out var raw))
        {
            return true;
        }

        return raw.Count == 1 && long.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}
