using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Console;

/// <summary>The fields of a grant as a form posts them; <see cref="ToGrant"/> makes the registry's grant (validated on commit).</summary>
public sealed class GrantForm
{
    public string? Id { get; set; }

    public string? ConsumerAgency { get; set; }

    public string? ConsumerClient { get; set; }

    public string? Service { get; set; }

    /// <summary>Comma- or space-separated.</summary>
    public string? Methods { get; set; }

    /// <summary>Comma- or space-separated.</summary>
    public string? Purposes { get; set; }

    public double? PerSecond { get; set; }

    public int? Burst { get; set; }

    public long? DailyQuota { get; set; }

    public long? MonthlyQuota { get; set; }

    public DateOnly? ValidUntil { get; set; }

    public Grant ToGrant() => new()
    {
        Id = Id?.Trim() ?? "",
        ConsumerAgency = ConsumerAgency ?? "",
        ConsumerClient = string.IsNullOrWhiteSpace(ConsumerClient) ? null : ConsumerClient,
        Service = Service ?? "",
        Methods = List(Methods ?? "GET", upper: true),
        Purposes = List(Purposes, upper: false),
        RateLimit = PerSecond is { } perSecond ? new RateLimit { PerSecond = perSecond, Burst = Burst ?? Math.Max(1, (int)Math.Ceiling(perSecond)) } : null,
        DailyQuota = DailyQuota,
        MonthlyQuota = MonthlyQuota,
        // The end of the day named, in UTC: the grant holds through it.
        ValidUntil = ValidUntil is { } until ? DayEnd.Of(until) : null,
    };

    private static string[] List(string? text, bool upper) =>
        [.. (text ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(item => upper ? item.ToUpperInvariant() : item).Distinct(StringComparer.Ordinal)];
}
