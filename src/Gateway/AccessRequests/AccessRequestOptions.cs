using System.ComponentModel.DataAnnotations;

namespace Ndxp.Gateway.AccessRequests;

/// <summary>The answer time limit of access requests, in working days (Monday to Friday, less the listed holidays).</summary>
public sealed class AccessRequestOptions
{
    public const string SectionName = "AccessRequests";

    /// <summary>Working days both approvers have, together, before an undecided request expires.</summary>
    [Range(1, 60)]
    public int AnswerWorkingDays { get; set; } = 10;

    /// <summary>Public holidays (not working days), as dates.</summary>
    public IList<DateOnly> Holidays { get; } = [];

    /// <summary>The offset of the platform's working days from UTC (Vietnam: +07:00): a day ends at local midnight.</summary>
    public TimeSpan UtcOffset { get; set; } = TimeSpan.FromHours(7);

    /// <summary>The end (local midnight) of the <see cref="AnswerWorkingDays"/>-th working day after <paramref name="start"/>.</summary>
    public DateTimeOffset AnswerBy(DateTimeOffset start)
    {
        var day = DateOnly.FromDateTime(start.ToOffset(UtcOffset).DateTime);
        for (var counted = 0; counted < AnswerWorkingDays;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }

        return new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), UtcOffset).ToUniversalTime();
    }

    /// <summary>
    /// Working days after today left until <paramref name="answerBy"/>: <see cref="AnswerWorkingDays"/> on the day of the
    /// request, 0 on the last day, negative once it has passed.
    /// </summary>
    public int WorkingDaysLeft(DateTimeOffset now, DateTimeOffset answerBy)
    {
        if (now > answerBy)
        {
            return -1;
        }

        var today = DateOnly.FromDateTime(now.ToOffset(UtcOffset).DateTime);
        var last = DateOnly.FromDateTime(answerBy.ToOffset(UtcOffset).DateTime).AddDays(-1);
        var left = 0;
        for (var day = today.AddDays(1); day <= last; day = day.AddDays(1))
        {
            left += IsWorkingDay(day) ? 1 : 0;
        }

        return left;
    }

    private bool IsWorkingDay(DateOnly day) => day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !Holidays.Contains(day);
}
