using HealthEvents.Core.Budgets;
using HealthEvents.Core.Bus;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.UnitTests.Support;
using MassTransit;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthEvents.UnitTests.Budgets;

/// <summary>Shard names, where shards' faults go, and the hold a process puts on a shard it has just started receiving.</summary>
public class ShardingSpecs
{
    private static readonly ITenantRegistry Tenants = TenantRegistry.Build(new TenantsOptions
    {
        Spaces =
        {
            ["a"] = new TenantOptions { AccessToken = "t", WabaIds = ["1"] },
            ["b"] = new TenantOptions { AccessToken = "t", WabaIds = ["2"] },
        },
    });

    private static readonly Uri Shard0 = new("rabbitmq://localhost/health-check-requested.shard-00");
    private static readonly Uri Shard1 = new("rabbitmq://localhost/health-check-requested.shard-01");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Shards_are_named_after_the_entry_queue_and_faults_of_every_shard_share_its_error_queue()
    {
        var queues = new CheckQueues("health-check-requested", 3);
        var names = new ShardQueueNames(queues);

        Assert.Equal(["health-check-requested.shard-00", "health-check-requested.shard-01", "health-check-requested.shard-02"], queues.Shards);
        Assert.Equal("health-check-requested.shards", queues.HashExchange);
        Assert.Equal("health-check-requested_error", names.FormatErrorQueueName("health-check-requested.shard-02"));
        Assert.Equal("health-check-requested_skipped", names.FormatDeadLetterQueueName("health-check-requested.shard-00"));
        Assert.Equal("health-check-requested_error", names.FormatErrorQueueName("health-check-requested"));
        Assert.Equal("other_error", names.FormatErrorQueueName("other"));
        Assert.Equal("health-check-requested.shard-03", queues.SurplusShards.First());
    }

    [Fact]
    public void A_new_owner_of_a_shard_calls_for_its_tenants_only_a_window_after_its_first_delivery_there()
    {
        using var budget = NewBudget();
        var takeover = NewTakeover(budget, BusTransport.RabbitMq);
        var firstDelivery = _time.GetUtcNow();

        takeover.Observe(Shard0, "a");
        var held = Assert.IsType<Admission.Deferred>(budget.AdmitCall(new GraphCallScope("a", "1")));
        Assert.Equal(BudgetLimit.ShardTakeover, held.Limit);
        Assert.True(held.NotBefore >= firstDelivery + TimeSpan.FromSeconds(1), "held for less than one window");

        // Another tenant seen on the same shard within the window is held until the same moment.
        _time.Advance(TimeSpan.FromMilliseconds(500));
        takeover.Observe(Shard0, "b");
        Assert.Equal(held.NotBefore, Assert.IsType<Admission.Deferred>(budget.AdmitCall(new GraphCallScope("b", "2"))).NotBefore);

        _time.Advance(held.NotBefore - _time.GetUtcNow());
        Assert.IsType<Admission.Granted>(budget.AdmitCall(new GraphCallScope("a", "1")));

        // Once the window is over, deliveries on that shard hold nothing.
        takeover.Observe(Shard0, "a");
        Assert.IsType<Admission.Granted>(budget.AdmitCall(new GraphCallScope("a", "1")));
    }

    [Fact]
    public void Each_shard_is_taken_over_on_its_own_first_delivery()
    {
        using var budget = NewBudget();
        var takeover = NewTakeover(budget, BusTransport.RabbitMq);
        takeover.Observe(Shard0, "a");
        _time.Advance(TimeSpan.FromSeconds(5));

        takeover.Observe(Shard1, "b");

        Assert.IsType<Admission.Granted>(budget.AdmitCall(new GraphCallScope("a", "1")));
        Assert.Equal(BudgetLimit.ShardTakeover, Assert.IsType<Admission.Deferred>(budget.AdmitCall(new GraphCallScope("b", "2"))).Limit);
    }

    [Fact]
    public void The_in_memory_transport_has_no_previous_owner_and_holds_nothing()
    {
        using var budget = NewBudget();
        NewTakeover(budget, BusTransport.InMemory).Observe(new Uri("loopback://localhost/health-check-requested"), "a");

        Assert.IsType<Admission.Granted>(budget.AdmitCall(new GraphCallScope("a", "1")));
    }

    private GraphBudget NewBudget() => new(Tenants, Options.Create(new BudgetOptions()), _time);

    [Fact]
    public void A_process_owns_a_tenants_shard_once_it_received_there_and_until_that_endpoint_stops_or_faults()
    {
        var ownership = new ShardOwnership(_time);
        Assert.False(ownership.TryOwnedShardOf("a", out _));

        ownership.Ready(new FakeEndpointEvent(Shard0));
        Assert.False(ownership.TryOwnedShardOf("a", out _));

        ownership.Delivered(Shard0, "a");
        Assert.True(ownership.TryOwnedShardOf("a", out var shard));
        Assert.Equal(Shard0, shard);
        Assert.False(ownership.TryOwnedShardOf("b", out _));

        ownership.Faulted(new FakeEndpointEvent(Shard0));
        Assert.False(ownership.TryOwnedShardOf("a", out _));

        // A check delivered before the fault and run after it proves nothing.
        Assert.Null(ownership.Delivered(Shard0, "a"));
        Assert.False(ownership.TryOwnedShardOf("a", out _));

        // Ready again (reconnected): the role may have moved, so only a new delivery makes it the owner.
        ownership.Ready(new FakeEndpointEvent(Shard0));
        Assert.False(ownership.TryOwnedShardOf("a", out _));
        ownership.Delivered(Shard0, "b");
        Assert.True(ownership.TryOwnedShardOf("a", out _));

        ownership.Stopping(new FakeEndpointEvent(Shard0));
        Assert.False(ownership.TryOwnedShardOf("a", out _));
    }

    [Fact]
    public void A_shard_owned_again_after_its_endpoint_faulted_is_held_again_for_a_window()
    {
        using var budget = NewBudget();
        var (ownership, takeover) = OwnerOfShard0PastItsHold(budget);
        Assert.IsType<Admission.Granted>(budget.AdmitCall(new GraphCallScope("a", "1")));

        ownership.Faulted(new FakeEndpointEvent(Shard0));
        ownership.Ready(new FakeEndpointEvent(Shard0));
        _time.Advance(TimeSpan.FromSeconds(5));
        var regained = _time.GetUtcNow();
        takeover.Observe(Shard0, "a");

        var held = Assert.IsType<Admission.Deferred>(budget.AdmitCall(new GraphCallScope("a", "1")));
        Assert.Equal(BudgetLimit.ShardTakeover, held.Limit);
        Assert.True(held.NotBefore >= regained + TimeSpan.FromSeconds(1), "held for less than one window");
    }

    [Fact]
    public void A_check_delivered_by_a_consumer_that_has_gone_away_is_held_for_a_window()
    {
        using var budget = NewBudget();
        var (ownership, takeover) = OwnerOfShard0PastItsHold(budget);
        ownership.Faulted(new FakeEndpointEvent(Shard0));

        takeover.Observe(Shard0, "a");

        Assert.Equal(BudgetLimit.ShardTakeover, Assert.IsType<Admission.Deferred>(budget.AdmitCall(new GraphCallScope("a", "1"))).Limit);
    }

    /// <summary>This process received tenant "a" on shard 0 five seconds ago: it owns the shard and its hold is over.</summary>
    private (ShardOwnership Ownership, ShardTakeover Takeover) OwnerOfShard0PastItsHold(GraphBudget budget)
    {
        var ownership = new ShardOwnership(_time);
        var takeover = NewTakeover(budget, BusTransport.RabbitMq, ownership);
        takeover.Observe(Shard0, "a");
        _time.Advance(TimeSpan.FromSeconds(5));
        return (ownership, takeover);
    }

    private ShardTakeover NewTakeover(GraphBudget budget, BusTransport transport, ShardOwnership? ownership = null) =>
        new(budget, ownership ?? new ShardOwnership(_time), Options.Create(new BudgetOptions()), Options.Create(new BusOptions { Transport = transport }), _time);
}
