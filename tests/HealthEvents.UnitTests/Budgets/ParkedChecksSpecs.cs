using HealthEvents.Core.Parking;
using Microsoft.Extensions.Time.Testing;

namespace HealthEvents.UnitTests.Budgets;

public class ParkedChecksSpecs
{
    [Fact]
    public void Parked_checks_count_per_tenant_until_they_come_back_or_a_minute_after_they_were_due()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));
        var parked = new ParkedChecks(time);
        var (a1, a2, b1) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        parked.Parked(a1, "a", time.GetUtcNow().AddSeconds(10));
        parked.Parked(a2, "a", time.GetUtcNow().AddMinutes(5));
        parked.Parked(b1, "b", time.GetUtcNow().AddSeconds(10));
        Assert.Equal((2, 1), (parked.CountFor("a"), parked.CountFor("b")));

        parked.Returned(a2);
        Assert.Equal(1, parked.CountFor("a"));

        // Came back to another instance: forgotten a minute after it was due.
        time.Advance(TimeSpan.FromSeconds(10) + TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal((0, 0), (parked.CountFor("a"), parked.CountFor("b")));
    }
}
