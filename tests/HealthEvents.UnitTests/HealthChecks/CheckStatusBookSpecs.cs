using HealthEvents.Contracts;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace HealthEvents.UnitTests.HealthChecks;

/// <summary>The book callers ask after checks in: what it keeps, what it ignores, and for how long.</summary>
public class CheckStatusBookSpecs
{
    private static readonly HealthCheckRequested Request = new() { CustSpaceId = "a", NodeType = NodeTypes.Waba, WabaId = "1" };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    private static HealthCheckCompleted Completed(string status) => new()
    {
        CustSpaceId = "a",
        NodeType = NodeTypes.Waba,
        NodeId = "1",
        Version = 2,
        FromCache = false,
        Snapshot = new HealthSnapshot { CanSendMessage = status, ReportedCanSendMessage = status, CheckedAt = DateTimeOffset.UnixEpoch, Entities = [] },
        Campaign = new CampaignVerdict { Verdict = CampaignVerdicts.Stop, Reasons = [] },
    };

    [Fact]
    public void A_queued_check_goes_from_queued_to_waiting_to_its_answer()
    {
        var book = new CheckStatusBook(_time);
        var id = Guid.NewGuid();

        book.Queued(id, Request);
        Assert.Equal(CheckStatus.Queued, book.Find(id)!.State);

        var until = _time.GetUtcNow().AddSeconds(3);
        book.Waiting(id, until, WaitReason.TenantRate);
        Assert.Equal((CheckStatus.Waiting, until, "TenantRate"), (book.Find(id)!.State, book.Find(id)!.NotBefore, book.Find(id)!.Reason));

        book.Answered(id, Completed(MessagingStatus.Blocked));
        var answered = book.Find(id)!;
        Assert.Equal((CheckStatus.Completed, MessagingStatus.Blocked, 2L, CampaignVerdicts.Stop, (DateTimeOffset?)null), (answered.State, answered.CanSendMessage, answered.Version, answered.Campaign, answered.NotBefore));
    }

    [Fact]
    public void Checks_not_queued_here_are_not_kept()
    {
        var book = new CheckStatusBook(_time);
        var other = Guid.NewGuid();

        book.Waiting(other, _time.GetUtcNow().AddMinutes(5), WaitReason.MetaPausedWaba);
        book.Answered(other, Completed(MessagingStatus.Available));

        Assert.Null(book.Find(other));
    }

    [Fact]
    public void An_answer_is_final_and_everything_is_forgotten_after_an_hour()
    {
        var book = new CheckStatusBook(_time);
        var id = Guid.NewGuid();
        book.Queued(id, Request);
        book.Answered(id, new HealthCheckRejected { Request = Request, Reason = RejectionReasons.AccessDenied, Detail = "not yours" });

        // A redelivered copy parked again does not undo the answer.
        book.Waiting(id, _time.GetUtcNow().AddSeconds(5), WaitReason.TenantRate);
        Assert.Equal((CheckStatus.Rejected, RejectionReasons.AccessDenied), (book.Find(id)!.State, book.Find(id)!.Reason));

        _time.Advance(CheckStatusBook.Kept + TimeSpan.FromSeconds(1));
        Assert.Null(book.Find(id));
    }

    [Fact]
    public void A_check_that_never_reached_the_broker_is_dropped()
    {
        var book = new CheckStatusBook(_time);
        var id = Guid.NewGuid();
        book.Queued(id, Request);

        book.Unqueued(id);

        Assert.Null(book.Find(id));
    }
}
