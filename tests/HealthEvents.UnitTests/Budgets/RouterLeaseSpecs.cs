using HealthEvents.Core.Bus;
using HealthEvents.UnitTests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthEvents.UnitTests.Budgets;

/// <summary>When an instance may leave the entry queue to another: only while its own pings can reach the holder.</summary>
public class RouterLeaseSpecs
{
    private static readonly CheckQueues Queues = new("health-check-requested", 2);
    private static readonly Uri LeaseQueue = new("rabbitmq://localhost/health-check-requested.router-lease");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Not_hearing_its_pings_while_listening_means_another_instance_holds_the_lease()
    {
        var lease = NewLease();
        Assert.False(lease.AnotherHolds);

        lease.Ready(new FakeEndpointEvent(LeaseQueue));
        Assert.True(lease.AnotherHolds);
        Assert.False(lease.IsHeld);
    }

    [Fact]
    public void A_ping_received_holds_the_lease_for_four_intervals()
    {
        var lease = NewLease();
        lease.Ready(new FakeEndpointEvent(LeaseQueue));
        lease.Renew();
        Assert.True(lease.IsHeld);
        Assert.False(lease.AnotherHolds);

        _time.Advance(TimeSpan.FromMilliseconds(1_000));
        Assert.True(lease.IsHeld);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(lease.IsHeld);
        Assert.True(lease.AnotherHolds);
    }

    [Fact]
    public void An_instance_whose_lease_endpoint_stopped_or_faulted_cannot_tell_and_reads_the_entry_queue()
    {
        var lease = NewLease();
        lease.Ready(new FakeEndpointEvent(LeaseQueue));
        lease.Faulted(new FakeEndpointEvent(LeaseQueue));
        Assert.False(lease.AnotherHolds);

        lease.Ready(new FakeEndpointEvent(LeaseQueue));
        lease.Stopping(new FakeEndpointEvent(LeaseQueue));
        Assert.False(lease.AnotherHolds);
    }

    [Fact]
    public void Other_endpoints_say_nothing_about_the_lease()
    {
        var lease = NewLease();
        lease.Ready(new FakeEndpointEvent(new Uri("rabbitmq://localhost/health-check-requested.shard-00")));
        Assert.False(lease.AnotherHolds);
    }

    private RouterLease NewLease() =>
        new(Queues, Options.Create(new BusOptions { RouterLeaseInterval = TimeSpan.FromMilliseconds(250) }), _time);
}
