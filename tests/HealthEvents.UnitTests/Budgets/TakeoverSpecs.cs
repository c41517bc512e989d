using HealthEvents.Core.Budgets;
using HealthEvents.Core.Bus;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Graph.Throttling;
using HealthEvents.UnitTests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthEvents.UnitTests.Budgets;

/// <summary>The queues' names, where every endpoint's faults go, and the hold a process puts on every call once it becomes the work queue's active consumer.</summary>
public class TakeoverSpecs
{
    private static readonly ITenantRegistry Tenants = TenantRegistry.Build(new TenantsOptions
    {
        Spaces =
        {
            ["a"] = new TenantOptions { AccessToken = "t", WabaIds = ["1"] },
            ["b"] = new TenantOptions { AccessToken = "t", WabaIds = ["2"] },
        },
    });

    private static readonly CheckQueues Queues = new("health-check-requested");
    private static readonly Uri WorkQueue = new("rabbitmq://localhost/health-check-requested.work");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Queues_are_named_after_the_entry_queue_and_faults_of_every_endpoint_share_its_error_queue()
    {
        Assert.Equal("health-check-requested.work", Queues.WorkQueue);
        Assert.Equal(new Uri("queue:health-check-requested"), Queues.EntryAddress);
        Assert.Equal(new Uri("exchange:health-check-requested.work?type=fanout&durable=true"), Queues.WorkAddress);
        Assert.Equal(true, CheckQueues.WorkQueueArguments[CheckQueues.SingleActiveConsumerArgument]);
        Assert.Equal("quorum", CheckQueues.WorkQueueArguments["x-queue-type"]);
        Assert.Equal("health-check-requested_error", Queues.FormatErrorQueueName("health-check-requested.work"));
        Assert.Equal("health-check-requested_error", Queues.FormatErrorQueueName("health-check-requested.park.near"));
        Assert.Equal("health-check-requested_skipped", Queues.FormatDeadLetterQueueName("health-check-requested.work"));
        Assert.Equal("health-check-requested_error", Queues.FormatErrorQueueName("health-check-requested"));
        Assert.Equal("other_error", Queues.FormatErrorQueueName("other"));
    }

    [Fact]
    public void A_new_active_consumer_calls_for_nobody_until_a_window_after_its_first_delivery()
    {
        using var budget = NewBudget();
        var activity = ReadyActivity();
        var firstDelivery = _time.GetUtcNow();

        budget.TakingOver(activity.Delivered(TimeSpan.Zero));
        var held = Assert.IsType<Admission.Deferred>(budget.AdmitCall(new GraphCallScope("a", "1")));
        Assert.Equal(WaitReason.Takeover, held.Reason);
        Assert.True(held.NotBefore >= firstDelivery + TimeSpan.FromSeconds(1), "held for less than one window");

        // Every tenant is held until the same moment, whenever its first check arrives in the window.
        _time.Advance(TimeSpan.FromMilliseconds(500));
        budget.TakingOver(activity.Delivered(TimeSpan.Zero));
        Assert.Equal(held.NotBefore, Assert.IsType<Admission.Deferred>(budget.AdmitCall(new GraphCallScope("b", "2"))).NotBefore);

        _time.Advance(held.NotBefore - _time.GetUtcNow());
        Assert.IsType<Admission.Granted>(budget.AdmitCall(new GraphCallScope("a", "1")));

        // Once the window is over, deliveries hold nothing.
        budget.TakingOver(activity.Delivered(TimeSpan.Zero));
        Assert.IsType<Admission.Granted>(budget.AdmitCall(new GraphCallScope("b", "2")));
    }

    [Fact]
    public void Active_again_after_the_endpoint_faulted_and_reconnected_holds_again_for_a_window()
    {
        using var budget = NewBudget();
        var activity = ActivePastItsHold(budget);
        Assert.IsType<Admission.Granted>(budget.AdmitCall(new GraphCallScope("a", "1")));

        activity.Faulted(new FakeEndpointEvent(WorkQueue));
        activity.Ready(new FakeEndpointEvent(WorkQueue));
        _time.Advance(TimeSpan.FromSeconds(5));
        var regained = _time.GetUtcNow();
        budget.TakingOver(activity.Delivered(TimeSpan.Zero));

        var held = Assert.IsType<Admission.Deferred>(budget.AdmitCall(new GraphCallScope("a", "1")));
        Assert.Equal(WaitReason.Takeover, held.Reason);
        Assert.True(held.NotBefore >= regained + TimeSpan.FromSeconds(1), "held for less than one window");
    }

    [Fact]
    public void A_check_delivered_by_a_consumer_that_has_gone_away_is_held_for_a_window()
    {
        using var budget = NewBudget();
        var activity = ActivePastItsHold(budget);
        activity.Stopping(new FakeEndpointEvent(WorkQueue));

        Assert.Null(activity.Delivered(TimeSpan.Zero));
        budget.TakingOver(activity.Delivered(TimeSpan.Zero));

        Assert.Equal(WaitReason.Takeover, Assert.IsType<Admission.Deferred>(budget.AdmitCall(new GraphCallScope("a", "1"))).Reason);
    }

    [Fact]
    public void The_hold_counts_from_when_the_transport_received_the_first_check_not_from_when_it_reached_the_consumer()
    {
        var activity = ReadyActivity();
        var received = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMilliseconds(120));

        Assert.Equal(received, activity.Delivered(TimeSpan.FromMilliseconds(120)));
        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(received, activity.Delivered(TimeSpan.FromMilliseconds(10)));
    }

    [Fact]
    public void Other_endpoints_do_not_change_the_work_queues_activity()
    {
        var activity = ReadyActivity();
        var since = activity.Delivered(TimeSpan.Zero);

        activity.Faulted(new FakeEndpointEvent(new Uri("rabbitmq://localhost/health-check-requested")));

        Assert.Equal(since, activity.Delivered(TimeSpan.Zero));
    }

    [Fact]
    public void Active_only_once_a_delivery_came_through_the_work_queue_and_until_its_endpoint_stops()
    {
        var activity = ReadyActivity();
        Assert.Null(activity.ActiveSince);

        var since = activity.Delivered(TimeSpan.Zero);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(since, activity.ActiveSince);
        Assert.Equal(since, activity.Delivered(TimeSpan.Zero));

        activity.Stopping(new FakeEndpointEvent(WorkQueue));
        Assert.Null(activity.ActiveSince);
        activity.Ready(new FakeEndpointEvent(WorkQueue));
        Assert.Null(activity.ActiveSince);
    }

    [Fact]
    public void Without_a_takeover_nothing_is_held()
    {
        using var budget = NewBudget();

        Assert.IsType<Admission.Granted>(budget.AdmitCall(new GraphCallScope("a", "1")));
    }

    private GraphBudget NewBudget() => new(Tenants, Options.Create(new BudgetOptions()), _time);

    private WorkQueueActivity ReadyActivity()
    {
        var activity = new WorkQueueActivity(Queues, _time, NullLogger<WorkQueueActivity>.Instance);
        activity.Ready(new FakeEndpointEvent(WorkQueue));
        return activity;
    }

    /// <summary>This process became active five seconds ago: its hold is over.</summary>
    private WorkQueueActivity ActivePastItsHold(GraphBudget budget)
    {
        var activity = ReadyActivity();
        budget.TakingOver(activity.Delivered(TimeSpan.Zero));
        _time.Advance(TimeSpan.FromSeconds(5));
        return activity;
    }
}
