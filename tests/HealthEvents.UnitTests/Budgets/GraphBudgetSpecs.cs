using HealthEvents.Core.Budgets;
using HealthEvents.Domain.Tenants;
using HealthEvents.Graph;
using HealthEvents.Graph.Throttling;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthEvents.UnitTests.Budgets;

/// <summary>The budget service on a fake clock: what it admits, when it says to come back, and for which scope.</summary>
public class GraphBudgetSpecs
{
    private static readonly ITenantRegistry Tenants = TenantRegistry.Build(new TenantsOptions
    {
        Defaults = new TenantLimitsOptions { RequestsPerSecond = 5, MaxConcurrency = 2 },
        Spaces =
        {
            ["a"] = new TenantOptions { AccessToken = "t", WabaIds = ["1", "11"] },
            ["b"] = new TenantOptions { AccessToken = "t", WabaIds = ["2"], RequestsPerSecond = 2 },
        },
    });

    private static readonly GraphCallScope A = new("a", "1");
    private static readonly GraphCallScope B = new("b", "2");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    private GraphBudget NewBudget(BudgetOptions? options = null) => new(Tenants, Options.Create(options ?? new BudgetOptions()), _time);

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void A_tenant_gets_its_rate_of_calls_and_the_next_one_a_full_window_after_the_first_finished()
    {
        using var budget = NewBudget();
        var leases = Enumerable.Range(0, 5).Select(_ => Assert.IsType<Admission.Granted>(budget.AdmitCall(A)).Lease).ToList();

        var refused = Assert.IsType<Admission.Deferred>(budget.AdmitCall(A));
        Assert.Equal(WaitReason.TenantRate, refused.Reason);

        _time.Advance(TimeSpan.FromMilliseconds(300));
        leases[0].Dispose(); // the first call is over at +300 ms
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.IsType<Admission.Deferred>(budget.AdmitCall(A));
        Assert.Equal(Now + TimeSpan.FromMilliseconds(1), ((Admission.Deferred)budget.AdmitCall(A)).NotBefore);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.IsType<Admission.Granted>(budget.AdmitCall(A));
    }

    [Fact]
    public void Tenants_never_share_a_window()
    {
        using var budget = NewBudget();
        for (var i = 0; i < 5; i++)
        {
            Assert.IsType<Admission.Granted>(budget.AdmitCall(A));
        }

        Assert.IsType<Admission.Granted>(budget.AdmitCall(B));
        Assert.IsType<Admission.Granted>(budget.AdmitCall(B));
        Assert.IsType<Admission.Deferred>(budget.AdmitCall(B));
    }

    [Fact]
    public void A_wabas_hourly_budget_holds_across_its_tenants_calls_and_says_when_the_oldest_call_leaves_the_hour()
    {
        // Parked for up to the hour: the longest park the topology reaches.
        using var budget = NewBudget(new BudgetOptions { WabaCallsPerHour = 3, MaxParkTime = TimeSpan.FromMinutes(109) });
        for (var i = 0; i < 3; i++)
        {
            Assert.IsType<Admission.Granted>(budget.AdmitCall(A)).Lease.Dispose();
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        var refused = Assert.IsType<Admission.Deferred>(budget.AdmitCall(A));
        Assert.Equal(WaitReason.WabaHourly, refused.Reason);
        Assert.Equal(Now - TimeSpan.FromSeconds(30) + TimeSpan.FromHours(1), refused.NotBefore);
        // The tenant's other WABA has its own hour.
        Assert.IsType<Admission.Granted>(budget.AdmitCall(A with { WabaId = "11" }));

        // A check of the spent WABA is parked until the hour frees a call, not admitted to fail.
        var check = Assert.IsType<Admission.Deferred>(budget.AdmitCheck(new CheckTicket(A)));
        Assert.Equal(refused.NotBefore, check.NotBefore);
        Assert.Equal(WaitReason.WabaHourly, check.Reason);
    }

    [Theory]
    [InlineData(ThrottleScope.App, true, true)]
    [InlineData(ThrottleScope.Waba, false, false)]
    [InlineData(ThrottleScope.Tenant, false, true)]
    public void Metas_pause_holds_back_every_call_of_the_scope_it_names(ThrottleScope scope, bool otherTenantPaused, bool otherWabaOfSameTenantPaused)
    {
        using var budget = NewBudget();
        budget.Pause(A, new MetaPause(scope, TimeSpan.FromSeconds(30)));

        var paused = Assert.IsType<Admission.Deferred>(budget.AdmitCall(A));
        Assert.Equal(Now + TimeSpan.FromSeconds(30), paused.NotBefore);
        Assert.Equal(otherTenantPaused, budget.AdmitCall(B) is Admission.Deferred);
        Assert.Equal(otherWabaOfSameTenantPaused, budget.AdmitCall(A with { WabaId = "11" }) is Admission.Deferred);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.IsType<Admission.Granted>(budget.AdmitCall(A));
    }

    [Fact]
    public void An_app_wide_pause_defers_every_tenants_checks_to_metas_time()
    {
        using var budget = NewBudget();
        budget.Pause(B, new MetaPause(ThrottleScope.App, TimeSpan.FromMinutes(2)));

        var deferred = Assert.IsType<Admission.Deferred>(budget.AdmitCheck(new CheckTicket(A)));

        Assert.Equal(WaitReason.MetaPausedApp, deferred.Reason);
        Assert.Equal(Now + TimeSpan.FromMinutes(2), deferred.NotBefore);
    }

    [Fact]
    public void A_backlog_of_checks_is_handed_slots_at_the_tenants_pace_not_all_the_same_time()
    {
        using var budget = NewBudget();
        var admitted = Assert.IsType<Admission.Granted>(budget.AdmitCheck(new CheckTicket(A)));

        var slots = Enumerable.Range(0, 10).Select(_ => Assert.IsType<Admission.Deferred>(budget.AdmitCheck(new CheckTicket(A))).Slot!.Value).ToList();

        // 5/s: one slot every 200 ms, each reserved for the check that got it.
        Assert.Equal(Enumerable.Range(1, 10).Select(i => Now + TimeSpan.FromMilliseconds(200 * i)), slots);
        Assert.IsType<Admission.Granted>(budget.AdmitCheck(new CheckTicket(B)));
        admitted.Lease.Dispose();
    }

    [Fact]
    public void A_check_scheduled_while_the_window_is_full_is_promised_the_moment_the_oldest_call_leaves_it_and_woken_just_before()
    {
        using var budget = NewBudget();
        // Five calls done at Now: the tenant's window is full until Now + 1 s.
        Enumerable.Range(0, 5).Select(_ => Assert.IsType<Admission.Granted>(budget.AdmitCall(A)).Lease).ToList().ForEach(c => c.Dispose());
        _time.Advance(TimeSpan.FromMilliseconds(300));

        // The same log that counts the calls schedules the check: no second rule, no lead to reconcile them.
        var parked = Assert.IsType<Admission.Deferred>(budget.AdmitCheck(new CheckTicket(A)));
        Assert.Equal((Now + TimeSpan.FromMilliseconds(700), WaitReason.TenantRate), (parked.Slot, parked.Reason));
        // Woken a moment before its start: admitted, and its call waits at the gate until the window frees.
        Assert.Equal(parked.Slot - GraphBudget.WakeAhead(TimeSpan.FromMilliseconds(200)), parked.NotBefore);
        _time.Advance(parked.NotBefore - Now);
        using var admitted = Assert.IsType<Admission.Granted>(budget.AdmitCheck(new CheckTicket(A, parked.Slot, Now))).Lease;
        Assert.Equal(WaitReason.TenantRate, Assert.IsType<Admission.Deferred>(budget.AdmitCall(A)).Reason);

        _time.Advance(parked.Slot!.Value - Now);
        Assert.IsType<Admission.Granted>(budget.AdmitCall(A)).Lease.Dispose();
    }

    [Fact]
    public void A_finished_check_gives_its_start_back_so_only_its_calls_count()
    {
        using var budget = NewBudget();
        for (var i = 0; i < 4; i++)
        {
            using (Assert.IsType<Admission.Granted>(budget.AdmitCheck(new CheckTicket(A))).Lease)
            {
                Assert.IsType<Admission.Granted>(budget.AdmitCall(A)).Lease.Dispose();
            }

            _time.Advance(TimeSpan.FromMilliseconds(200));
        }

        // Four calls in the window and no start held: the fifth check starts on the tenant's pace, not a window later.
        Assert.IsType<Admission.Granted>(budget.AdmitCheck(new CheckTicket(A))).Lease.Dispose();
    }

    [Fact]
    public void A_parked_check_coming_back_on_its_slot_is_admitted_without_being_charged_again()
    {
        using var budget = NewBudget();
        Assert.IsType<Admission.Granted>(budget.AdmitCheck(new CheckTicket(A))).Lease.Dispose();
        var parked = Assert.IsType<Admission.Deferred>(budget.AdmitCheck(new CheckTicket(A)));
        var later = Assert.IsType<Admission.Deferred>(budget.AdmitCheck(new CheckTicket(A)));

        _time.Advance(parked.NotBefore - Now);

        Assert.IsType<Admission.Granted>(budget.AdmitCheck(new CheckTicket(A, parked.Slot, Now)));
        // A new check still queues behind the slots already handed out.
        Assert.True(Assert.IsType<Admission.Deferred>(budget.AdmitCheck(new CheckTicket(A))).NotBefore > later.NotBefore);
    }

    [Fact]
    public void Checks_past_the_tenants_concurrency_are_deferred_not_queued()
    {
        using var budget = NewBudget();
        var running = new List<IDisposable>();
        for (var i = 0; i < 2; i++)
        {
            running.Add(Assert.IsType<Admission.Granted>(budget.AdmitCheck(new CheckTicket(A))).Lease);
            _time.Advance(TimeSpan.FromMilliseconds(200));
        }

        var third = Assert.IsType<Admission.Deferred>(budget.AdmitCheck(new CheckTicket(A)));
        Assert.Equal(WaitReason.TenantConcurrency, third.Reason);

        running[0].Dispose();
        _time.Advance(third.NotBefore - Now);
        Assert.IsType<Admission.Granted>(budget.AdmitCheck(new CheckTicket(A, third.Slot, Now)));
    }

    [Fact]
    public void A_check_that_would_be_parked_past_the_limit_is_exhausted_and_reserves_nothing()
    {
        using var budget = NewBudget(new BudgetOptions { MaxParkTime = TimeSpan.FromMinutes(1) });
        budget.Pause(A, new MetaPause(ThrottleScope.Tenant, TimeSpan.FromMinutes(5)));

        var exhausted = Assert.IsType<Admission.Exhausted>(budget.AdmitCheck(new CheckTicket(A)));

        Assert.Equal(Now + TimeSpan.FromMinutes(5), exhausted.NotBefore);
        Assert.Equal(WaitReason.MetaPausedTenant, exhausted.Reason);
    }

    [Fact]
    public void The_park_limit_counts_from_when_the_check_was_first_parked()
    {
        using var budget = NewBudget(new BudgetOptions { MaxParkTime = TimeSpan.FromMinutes(10) });
        var firstParked = Now - TimeSpan.FromMinutes(9);

        Assert.IsType<Admission.Deferred>(budget.Later(new CheckTicket(A, null, firstParked), Now + TimeSpan.FromSeconds(30), WaitReason.JoinedCheck));
        Assert.IsType<Admission.Exhausted>(budget.Later(new CheckTicket(A, null, firstParked), Now + TimeSpan.FromMinutes(2), WaitReason.JoinedCheck));
        Assert.IsType<Admission.Exhausted>(budget.Later(new CheckTicket(A, null, firstParked), Now + TimeSpan.FromMinutes(2), WaitReason.TenantRate));
    }

    [Fact]
    public void A_stopped_check_parks_at_the_time_it_was_given_on_its_next_pace_slot_and_a_joiner_is_charged_nothing()
    {
        using var budget = NewBudget();
        using (Assert.IsType<Admission.Granted>(budget.AdmitCheck(new CheckTicket(A))).Lease)
        {
        }

        var stopped = Assert.IsType<Admission.Deferred>(budget.Later(new CheckTicket(A), Now + TimeSpan.FromMilliseconds(700), WaitReason.WabaHourly));
        Assert.True(stopped.NotBefore >= Now + TimeSpan.FromMilliseconds(700), $"{stopped.NotBefore:O}");
        Assert.Equal(WaitReason.WabaHourly, stopped.Reason);
        Assert.NotNull(stopped.Slot);

        var joined = Assert.IsType<Admission.Deferred>(budget.Later(new CheckTicket(A), Now + TimeSpan.FromSeconds(3), WaitReason.JoinedCheck));
        Assert.Equal((Now + TimeSpan.FromSeconds(3), WaitReason.JoinedCheck, (DateTimeOffset?)null), (joined.NotBefore, joined.Reason, joined.Slot));

        // The joiner reserved no slot: the next check's slot follows the stopped one's directly.
        var next = Assert.IsType<Admission.Deferred>(budget.AdmitCheck(new CheckTicket(A)));
        Assert.Equal(stopped.Slot + TimeSpan.FromMilliseconds(200), next.Slot);
    }
}
