using HealthEvents.Contracts;
using HealthEvents.Core.Parking;
using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace HealthEvents.UnitTests.Budgets;

public class ParkedChecksSpecs
{
    private static HealthCheckRequested Check(string tenant) => new() { CustSpaceId = tenant, NodeType = NodeTypes.Waba, WabaId = "1" };

    [Fact]
    public void A_spaces_waiting_checks_are_listed_soonest_first_with_why_and_each_is_found_by_id()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 6, 0, 0, TimeSpan.Zero));
        var parked = new ParkedChecks(time);
        var (late, soon, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        parked.Parked(late, Check("a"), time.GetUtcNow().AddMinutes(5), WaitReason.MetaPausedWaba);
        parked.Parked(soon, Check("a"), time.GetUtcNow().AddSeconds(1), WaitReason.TenantRate);
        parked.Parked(other, Check("b"), time.GetUtcNow().AddSeconds(1), WaitReason.TenantRate);

        Assert.Equal([(soon, WaitReason.TenantRate), (late, WaitReason.MetaPausedWaba)], parked.WaitingIn("a", 10).Select(p => (p.CheckId, p.Reason)));
        Assert.Equal([soon], parked.WaitingIn("a", 1).Select(p => p.CheckId));
        Assert.Equal((NodeTypes.Waba, "1"), (parked.Find(late)!.NodeType, parked.Find(late)!.WabaId));

        parked.Returned(late);
        Assert.Null(parked.Find(late));
    }

    [Fact]
    public void Parked_checks_count_per_tenant_until_they_come_back_or_a_minute_after_they_were_due()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));
        var parked = new ParkedChecks(time);
        var (a1, a2, b1) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        parked.Parked(a1, Check("a"), time.GetUtcNow().AddSeconds(10), WaitReason.TenantRate);
        parked.Parked(a2, Check("a"), time.GetUtcNow().AddMinutes(5), WaitReason.TenantRate);
        parked.Parked(b1, Check("b"), time.GetUtcNow().AddSeconds(10), WaitReason.TenantRate);
        Assert.Equal((2, 1), (parked.CountFor("a"), parked.CountFor("b")));

        parked.Returned(a2);
        Assert.Equal(1, parked.CountFor("a"));

        // Came back to another instance: forgotten a minute after it was due.
        time.Advance(TimeSpan.FromSeconds(10) + TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal((0, 0), (parked.CountFor("a"), parked.CountFor("b")));
    }

    [Fact]
    public void A_check_parked_again_counts_once_and_is_kept_until_a_minute_after_its_new_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));
        var parked = new ParkedChecks(time);
        var check = Guid.NewGuid();
        parked.Parked(check, Check("a"), time.GetUtcNow().AddSeconds(10), WaitReason.TenantRate);
        parked.Parked(check, Check("a"), time.GetUtcNow().AddMinutes(10), WaitReason.TenantRate);
        Assert.Equal(1, parked.CountFor("a"));

        // Past the first time's minute of grace: the second parking still holds it.
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, parked.CountFor("a"));

        time.Advance(TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(1));
        Assert.Equal(0, parked.CountFor("a"));
    }

    [Fact]
    public void A_flood_of_parked_checks_is_counted_exactly()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));
        var parked = new ParkedChecks(time);
        var ids = Enumerable.Range(0, 30_000).Select(_ => Guid.NewGuid()).ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            parked.Parked(ids[i], Check("flood"), time.GetUtcNow().AddMilliseconds(200 * i), WaitReason.TenantRate);
        }

        foreach (var id in ids.Take(1_000))
        {
            parked.Returned(id);
        }

        Assert.Equal(29_000, parked.CountFor("flood"));
    }
}
