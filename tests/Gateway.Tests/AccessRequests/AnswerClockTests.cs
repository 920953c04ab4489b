using Ndxp.Gateway.AccessRequests;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Tests.AccessRequests;

/// <summary>The answer time limit counts working days in Vietnam's time, skipping weekends and the configured holidays.</summary>
public sealed class AnswerClockTests
{
    // Friday 4 December 2026, 10:00 in Hanoi.
    private static readonly DateTimeOffset FridayMorning = new(2026, 12, 4, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Ten_working_days_from_a_friday_end_at_midnight_after_the_friday_two_weeks_later_in_hanoi()
    {
        var options = new AccessRequestOptions();

        var answerBy = options.AnswerBy(FridayMorning);

        Assert.Equal(new DateTimeOffset(2026, 12, 18, 17, 0, 0, TimeSpan.Zero), answerBy);
        Assert.Equal(10, options.WorkingDaysLeft(FridayMorning, answerBy));
        Assert.Equal(9, options.WorkingDaysLeft(FridayMorning.AddDays(3), answerBy));
        Assert.Equal(0, options.WorkingDaysLeft(answerBy.AddHours(-1), answerBy));
        Assert.True(options.WorkingDaysLeft(answerBy.AddSeconds(1), answerBy) < 0);
    }

    [Fact]
    public void A_holiday_and_a_late_evening_request_move_the_limit()
    {
        var options = new AccessRequestOptions { AnswerWorkingDays = 2 };
        options.Holidays.Add(new DateOnly(2026, 12, 7));

        // 23:30 on Friday in Hanoi is already Saturday there: Monday is a holiday, so Tuesday and Wednesday count.
        Assert.Equal(new DateTimeOffset(2026, 12, 9, 17, 0, 0, TimeSpan.Zero), options.AnswerBy(new DateTimeOffset(2026, 12, 4, 16, 30, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void An_undecided_request_expires_at_its_limit_and_a_decided_one_keeps_its_decision()
    {
        var request = new AccessRequest
        {
            Id = "ar-1", ConsumerAgency = "VCB", Service = "s", Purposes = [new() { Purpose = "p", LegalBasis = "b" }],
            RequestedBy = "portal:a", RequestedAt = FridayMorning, AnswerBy = FridayMorning.AddDays(14),
        };
        var providerApproved = request with { ProviderDecision = new() { By = "portal:b", At = FridayMorning, Approved = true, Reason = "ok" } };

        Assert.Equal(AccessRequestState.AwaitingProvider, request.StateAt(request.AnswerBy));
        Assert.Equal(AccessRequestState.Expired, request.StateAt(request.AnswerBy.AddTicks(1)));
        Assert.Equal(AccessRequestState.AwaitingOperator, providerApproved.StateAt(FridayMorning));
        Assert.Equal(AccessRequestState.Expired, providerApproved.StateAt(request.AnswerBy.AddDays(1)));
        Assert.Equal(AccessRequestState.Rejected, (providerApproved with { OperatorDecision = new() { By = "console:c", At = FridayMorning, Approved = false, Reason = "no" } }).StateAt(request.AnswerBy.AddDays(1)));
        Assert.Equal(AccessRequestState.Approved, (providerApproved with { OperatorDecision = new() { By = "console:c", At = FridayMorning, Approved = true, Reason = "ok" } }).StateAt(request.AnswerBy.AddDays(1)));
    }
}
