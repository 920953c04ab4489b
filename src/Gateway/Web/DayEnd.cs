namespace Ndxp.Gateway.Web;

/// <summary>A date a form names, as the instant it ends (UTC): "valid until 31 December" holds through that day.</summary>
internal static class DayEnd
{
    /// <summary>The midnight after <paramref name="day"/>; the last representable instant for the last representable day.</summary>
    public static DateTimeOffset Of(DateOnly day) =>
        day == DateOnly.MaxValue ? DateTimeOffset.MaxValue : new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
