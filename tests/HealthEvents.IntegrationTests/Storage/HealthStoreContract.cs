using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Storage;

namespace HealthEvents.IntegrationTests.Storage;

/// <summary>
/// What every <see cref="IHealthStore"/> must do. Each store's test class derives from this and
/// provides a fresh, initialised store (or skips, saying why).
/// </summary>
public abstract class HealthStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<IHealthStore> CreateStoreAsync();

    private static NodeKey Key(string tenant = "cs-alpha", string node = "106540352242922") => new(tenant, NodeTypes.Phone, node);

    private static HealthSnapshot Snapshot(string status, DateTimeOffset at) => new()
    {
        CanSendMessage = status,
        ReportedCanSendMessage = status,
        CheckedAt = at,
        Entities =
        [
            new HealthEntity
            {
                EntityType = "PHONE_NUMBER", Id = "106540352242922", CanSendMessage = status,
                AdditionalInfo = ["display name pending"],
                Errors = [new HealthEntityError { ErrorCode = "141010", ErrorDescription = "not verified", PossibleSolution = "verify" }],
                CanReceiveCallSip = "AVAILABLE",
            },
            new HealthEntity { EntityType = "FLOW", Id = "77", CanSendMessage = "SOMETHING_NEW" },
        ],
    };

    private static readonly NodeIdentity Identity = new() { WabaId = "102290129340398", PhoneNumber = "+1 555-010-0001", PhoneNumberId = "106540352242922" };

    private static (StoredSnapshot, StoredChange) Change(NodeKey key, long version, string status, DateTimeOffset at)
    {
        var change = new StoredChange(key, Identity, version, Snapshot(status, at), version == 1 ? null : Snapshot("AVAILABLE", at.AddSeconds(-1)));
        return (change.After, change);
    }

    [Fact]
    public async Task A_requests_first_answer_is_remembered_exactly_until_forgotten()
    {
        var store = await CreateStoreAsync();
        var request = Guid.NewGuid();
        var first = new AnsweredRequest(request, Key(), 3, T0.AddTicks(1234567), FromCache: false, T0.AddSeconds(1));
        await store.RememberAnswerAsync(first, Ct);
        await store.RememberAnswerAsync(first with { Version = 4, FromCache = true, AnsweredAt = T0.AddSeconds(5) }, Ct);
        var later = new AnsweredRequest(Guid.NewGuid(), Key(node: "999"), 1, T0, FromCache: true, T0.AddMinutes(10));
        await store.RememberAnswerAsync(later, Ct);

        Assert.Equal(first, await store.FindAnswerAsync(request, Ct));
        Assert.Null(await store.FindAnswerAsync(Guid.NewGuid(), Ct));

        Assert.Equal(1, await store.ForgetAnswersAsync(T0.AddMinutes(5), 100, Ct));
        Assert.Null(await store.FindAnswerAsync(request, Ct));
        Assert.Equal(later, await store.FindAnswerAsync(later.RequestId, Ct));
        Assert.Equal(0, await store.ForgetAnswersAsync(T0.AddMinutes(5), 100, Ct));
    }

    [Fact]
    public async Task An_answer_saved_with_its_snapshot_is_kept_only_when_the_snapshot_is()
    {
        var store = await CreateStoreAsync();
        var (first, change) = Change(Key(), 1, "LIMITED", T0);
        var withChange = new AnsweredRequest(Guid.NewGuid(), Key(), 1, T0, FromCache: false, T0);
        Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(change, withChange, Ct));
        var lost = withChange with { RequestId = Guid.NewGuid() };
        Assert.Equal(SaveResult.Conflict, await store.SaveChangeAsync(change, lost, Ct));
        var withRecheck = new AnsweredRequest(Guid.NewGuid(), Key(), 1, T0.AddMinutes(1), FromCache: false, T0.AddMinutes(1));
        Assert.Equal(SaveResult.Saved, await store.SaveRecheckAsync(first with { Snapshot = first.Snapshot with { CheckedAt = T0.AddMinutes(1) } }, withRecheck, Ct));
        var stale = withRecheck with { RequestId = Guid.NewGuid() };
        Assert.Equal(SaveResult.Conflict, await store.SaveRecheckAsync(first with { Version = 7 }, stale, Ct));

        Assert.Equal(withChange, await store.FindAnswerAsync(withChange.RequestId, Ct));
        Assert.Equal(withRecheck, await store.FindAnswerAsync(withRecheck.RequestId, Ct));
        Assert.Null(await store.FindAnswerAsync(lost.RequestId, Ct));
        Assert.Null(await store.FindAnswerAsync(stale.RequestId, Ct));
    }

    [Fact]
    public async Task A_node_never_seen_has_no_snapshot()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.GetAsync(Key(), Ct));
    }

    [Fact]
    public async Task A_change_round_trips_snapshot_identity_history_and_outbox()
    {
        var store = await CreateStoreAsync();
        var (snapshot, change) = Change(Key(), 1, "LIMITED", T0);

        Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(change, Ct));

        var stored = await store.GetAsync(Key(), Ct);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        Assert.Equal(Identity, stored.Identity);
        Assert.Equal(SnapshotComparer.Fingerprint(snapshot.Snapshot), SnapshotComparer.Fingerprint(stored.Snapshot));
        Assert.Equal(T0, stored.Snapshot.CheckedAt);
        Assert.Equal("SOMETHING_NEW", stored.Snapshot.Entities[1].CanSendMessage);
        var history = Assert.Single(await store.GetHistoryAsync(Key(), 1, 10, Ct));
        Assert.Equal(1, history.Version);
        Assert.Equal("141010", history.Current.Entities[0].Errors[0].ErrorCode);
        Assert.Null(history.Previous);
        Assert.Equal(Identity, history.Identity);
        Assert.Equal(1, Assert.Single(await store.GetUndispatchedAsync(10, Ct)).Version);
    }

    [Fact]
    public async Task Two_first_writers_of_a_node_never_both_win()
    {
        var store = await CreateStoreAsync();
        var (a, changeA) = Change(Key(), 1, "LIMITED", T0);
        var (b, changeB) = Change(Key(), 1, "BLOCKED", T0.AddSeconds(1));

        Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(changeA, Ct));
        Assert.Equal(SaveResult.Conflict, await store.SaveChangeAsync(changeB, Ct));
        Assert.Equal("LIMITED", (await store.GetAsync(Key(), Ct))!.Snapshot.CanSendMessage);
        Assert.Single(await store.GetHistoryAsync(Key(), 0, 10, Ct));
    }

    [Fact]
    public async Task Many_concurrent_changes_and_marks_of_different_nodes_are_each_stored_once()
    {
        var store = await CreateStoreAsync();
        var keys = Enumerable.Range(0, 300).Select(i => Key(node: (106540352242000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();

        var saved = await Task.WhenAll(keys.Select(k => store.SaveChangeAsync(Change(k, 1, "LIMITED", T0).Item2, Ct)));
        await Task.WhenAll(keys.Take(100).Select(k => store.MarkDispatchedAsync(k, 1, Ct)));

        Assert.All(saved, r => Assert.Equal(SaveResult.Saved, r));
        foreach (var key in keys)
        {
            Assert.Equal(1, (await store.GetAsync(key, Ct))!.Version);
        }

        var undispatched = await store.GetUndispatchedAsync(1_000, Ct);
        Assert.Equal(200, undispatched.Count);
        Assert.Equal(200, undispatched.Select(c => c.Key).Distinct().Count());
    }

    [Fact]
    public async Task Concurrent_writers_of_the_next_version_have_exactly_one_winner()
    {
        var store = await CreateStoreAsync();
        var (first, firstChange) = Change(Key(), 1, "AVAILABLE", T0);
        await store.SaveChangeAsync(firstChange, Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
        {
            var (next, change) = Change(Key(), 2, i % 2 == 0 ? "BLOCKED" : "LIMITED", T0.AddSeconds(i + 1));
            return store.SaveChangeAsync(change, Ct);
        }));

        Assert.Equal(1, results.Count(r => r == SaveResult.Saved));
        Assert.Equal([1L, 2L], (await store.GetHistoryAsync(Key(), 0, 10, Ct)).Select(h => h.Version));
    }

    [Fact]
    public async Task A_version_can_only_follow_the_stored_one()
    {
        var store = await CreateStoreAsync();
        var (first, firstChange) = Change(Key(), 1, "AVAILABLE", T0);
        await store.SaveChangeAsync(firstChange, Ct);
        var (skipping, skippingChange) = Change(Key(), 3, "BLOCKED", T0.AddSeconds(1));

        Assert.Equal(SaveResult.Conflict, await store.SaveChangeAsync(skippingChange, Ct));
        Assert.Equal(1, (await store.GetAsync(Key(), Ct))!.Version);
    }

    [Fact]
    public async Task A_recheck_moves_checked_at_forward_only_and_keeps_the_version()
    {
        var store = await CreateStoreAsync();
        var (first, firstChange) = Change(Key(), 1, "LIMITED", T0);
        await store.SaveChangeAsync(firstChange, Ct);

        Assert.Equal(SaveResult.Saved, await store.SaveRecheckAsync(first with { Snapshot = first.Snapshot with { CheckedAt = T0.AddMinutes(5) } }, Ct));
        Assert.Equal(SaveResult.Saved, await store.SaveRecheckAsync(first with { Snapshot = first.Snapshot with { CheckedAt = T0.AddMinutes(1) } }, Ct));

        var stored = await store.GetAsync(Key(), Ct);
        Assert.Equal(T0.AddMinutes(5), stored!.Snapshot.CheckedAt);
        Assert.Equal(1, stored.Version);
        Assert.Single(await store.GetHistoryAsync(Key(), 0, 10, Ct));
    }

    [Fact]
    public async Task A_recheck_against_an_outdated_version_conflicts()
    {
        var store = await CreateStoreAsync();
        var (first, firstChange) = Change(Key(), 1, "LIMITED", T0);
        await store.SaveChangeAsync(firstChange, Ct);
        var (second, secondChange) = Change(Key(), 2, "BLOCKED", T0.AddSeconds(1));
        await store.SaveChangeAsync(secondChange, Ct);

        Assert.Equal(SaveResult.Conflict, await store.SaveRecheckAsync(first with { Snapshot = first.Snapshot with { CheckedAt = T0.AddMinutes(5) } }, Ct));
        Assert.Equal("BLOCKED", (await store.GetAsync(Key(), Ct))!.Snapshot.CanSendMessage);
    }

    [Fact]
    public async Task Dispatched_events_leave_the_outbox_but_stay_in_history()
    {
        var store = await CreateStoreAsync();
        var (first, firstChange) = Change(Key(), 1, "LIMITED", T0);
        var (second, secondChange) = Change(Key(), 2, "BLOCKED", T0.AddSeconds(1));
        var (other, otherChange) = Change(Key(node: "106540352242923"), 1, "AVAILABLE", T0);
        await store.SaveChangeAsync(firstChange, Ct);
        await store.SaveChangeAsync(secondChange, Ct);
        await store.SaveChangeAsync(otherChange, Ct);

        await store.MarkDispatchedAsync(Key(), 1, Ct);

        var pending = await store.GetUndispatchedAsync(10, Ct);
        Assert.Equal(2, pending.Count);
        Assert.DoesNotContain(pending, p => p.Key.NodeId == Key().NodeId && p.Version == 1);
        Assert.Equal(2, (await store.GetHistoryAsync(Key(), 0, 10, Ct)).Count);
        Assert.Single(await store.GetUndispatchedAsync(1, Ct));
    }

    [Fact]
    public async Task A_change_keeps_the_snapshot_it_replaced()
    {
        var store = await CreateStoreAsync();
        var (_, first) = Change(Key(), 1, "AVAILABLE", T0);
        var (_, second) = Change(Key(), 2, "BLOCKED", T0.AddSeconds(5));
        await store.SaveChangeAsync(first, Ct);
        await store.SaveChangeAsync(second, Ct);

        var stored = (await store.GetHistoryAsync(Key(), 2, 1, Ct)).Single();
        var pending = (await store.GetUndispatchedAsync(10, Ct)).Single(c => c.Version == 2);

        foreach (var change in new[] { stored, pending })
        {
            Assert.Equal(Key(), change.Key);
            Assert.Equal("BLOCKED", change.Current.CanSendMessage);
            Assert.Equal(T0.AddSeconds(5), change.Current.CheckedAt);
            Assert.Equal("AVAILABLE", change.Previous!.CanSendMessage);
            Assert.Equal(SnapshotComparer.Fingerprint(second.Previous!), SnapshotComparer.Fingerprint(change.Previous));
        }
    }

    [Fact]
    public async Task History_reads_from_a_version_in_order()
    {
        var store = await CreateStoreAsync();
        for (var v = 1; v <= 4; v++)
        {
            var (s, c) = Change(Key(), v, v % 2 == 0 ? "BLOCKED" : "AVAILABLE", T0.AddSeconds(v));
            Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(c, Ct));
        }

        Assert.Equal([2L, 3L], (await store.GetHistoryAsync(Key(), 2, 2, Ct)).Select(h => h.Version));
    }

    [Fact]
    public async Task A_tenants_snapshots_are_listed_most_severe_first_by_node_type_and_status_and_no_other_tenants()
    {
        var store = await CreateStoreAsync();
        foreach (var (key, status) in new[] { (Key(node: "2"), "BLOCKED"), (Key(node: "1"), "AVAILABLE"), (Key("cs-beta", "3"), "BLOCKED") })
        {
            Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(Change(key, 1, status, T0).Item2, Ct));
        }

        Assert.Equal(["2", "1"], (await store.ListSnapshotsAsync(new SnapshotQuery("cs-alpha"), Ct)).Select(s => s.Key.NodeId));
        Assert.Equal(["2"], (await store.ListSnapshotsAsync(new SnapshotQuery("cs-alpha", NodeTypes.Phone, "BLOCKED"), Ct)).Select(s => s.Key.NodeId));
        Assert.Empty(await store.ListSnapshotsAsync(new SnapshotQuery("cs-alpha", NodeTypes.Template), Ct));
        Assert.Single(await store.ListSnapshotsAsync(new SnapshotQuery("cs-alpha", Max: 1), Ct));
    }

    [Fact]
    public async Task Listings_page_by_position_and_find_a_node_by_id_display_number_digits_or_template_code()
    {
        var store = await CreateStoreAsync();
        var statuses = new[] { "AVAILABLE", "LIMITED", "BLOCKED", "SUSPENDED" };
        for (var i = 0; i < 12; i++)
        {
            var key = Key(node: (500000000000000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var change = Change(key, 1, statuses[i % 4], T0).Item2 with { Identity = Identity with { PhoneNumber = $"+1 555-020-{i:0000}" } };
            Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(change, Ct));
        }

        var template = Change(new NodeKey("cs-alpha", NodeTypes.Template, "2632273056924580"), 1, "AVAILABLE", T0).Item2
            with
        { Identity = new NodeIdentity { WabaId = "102290129340398", TemplateCode = "Order_Update", Language = "en" } };
        Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(template, Ct));

        var pages = new List<List<StoredSnapshot>>();
        SnapshotPosition? after = null;
        do
        {
            var page = (await store.ListSnapshotsAsync(new SnapshotQuery("cs-alpha", Max: 5, After: after), Ct)).ToList();
            pages.Add(page);
            after = page.Count == 5 ? SnapshotPosition.Of(page[^1]) : null;
        }
        while (after is not null);

        var all = pages.SelectMany(p => p).ToList();
        Assert.Equal([5, 5, 3], pages.Select(p => p.Count));
        Assert.Equal(13, all.Select(s => s.Key).Distinct().Count());
        Assert.Equal(["BLOCKED", "BLOCKED", "BLOCKED", "SUSPENDED", "SUSPENDED", "SUSPENDED", "LIMITED", "LIMITED", "LIMITED"], all.Take(9).Select(s => s.Snapshot.CanSendMessage));
        Assert.Equal(all.OrderBy(s => StatusRank.Of(s.Snapshot.CanSendMessage)).ThenBy(s => s.Key.NodeType, StringComparer.Ordinal).ThenBy(s => s.Key.NodeId, StringComparer.Ordinal), all);

        Assert.Equal(["500000000000007"], (await store.ListSnapshotsAsync(new SnapshotQuery("cs-alpha", Search: "+1 (555) 020-0007"), Ct)).Select(s => s.Key.NodeId));
        Assert.Equal(["500000000000007"], (await store.ListSnapshotsAsync(new SnapshotQuery("cs-alpha", Search: "15550200007"), Ct)).Select(s => s.Key.NodeId));
        Assert.Equal(12, (await store.ListSnapshotsAsync(new SnapshotQuery("cs-alpha", Search: "5000000000000"), Ct)).Count);
        Assert.Equal(["2632273056924580"], (await store.ListSnapshotsAsync(new SnapshotQuery("cs-alpha", Search: "order_up"), Ct)).Select(s => s.Key.NodeId));
        Assert.Equal(["500000000000002"], (await store.ListSnapshotsAsync(new SnapshotQuery("cs-alpha", NodeTypes.Phone, "BLOCKED", Search: "0002"), Ct)).Select(s => s.Key.NodeId));
        Assert.Empty(await store.ListSnapshotsAsync(new SnapshotQuery("cs-beta", Search: "0007"), Ct));
    }

    [Fact]
    public async Task A_tenants_changes_are_read_by_when_meta_gave_them_in_recorded_order()
    {
        var store = await CreateStoreAsync();
        for (var v = 1; v <= 3; v++)
        {
            Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(Change(Key(node: "1"), v, v % 2 == 0 ? "BLOCKED" : "AVAILABLE", T0.AddSeconds(v)).Item2, Ct));
        }

        Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(Change(Key(node: "2"), 1, "LIMITED", T0.AddSeconds(10)).Item2, Ct));
        Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(Change(Key("cs-beta", "1"), 1, "LIMITED", T0.AddSeconds(5)).Item2, Ct));

        var changes = await store.GetChangesAsync("cs-alpha", T0.AddSeconds(2), T0.AddSeconds(11), 100, Ct);

        Assert.Equal([("1", 2L), ("1", 3L), ("2", 1L)], changes.Select(c => (c.Key.NodeId, c.Version)));
        Assert.Equal(2, (await store.GetChangesAsync("cs-alpha", T0, T0.AddDays(1), 2, Ct)).Count);
        Assert.Equal([("1", 1L)], (await store.GetChangesAsync("cs-alpha", T0, T0.AddSeconds(2), 100, Ct)).Select(c => (c.Key.NodeId, c.Version)));
    }

    [Fact]
    public async Task The_time_range_of_a_tenants_changes_is_exact_below_a_millisecond()
    {
        var store = await CreateStoreAsync();
        var at = T0.AddTicks(5_000);
        Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(Change(Key(node: "1"), 1, "BLOCKED", at).Item2, Ct));

        Assert.Single(await store.GetChangesAsync("cs-alpha", at, at.AddTicks(1), 10, Ct));
        Assert.Empty(await store.GetChangesAsync("cs-alpha", at.AddTicks(1), T0.AddDays(1), 10, Ct));
        Assert.Empty(await store.GetChangesAsync("cs-alpha", T0, at, 10, Ct));
    }

    [Fact]
    public async Task The_same_node_id_under_two_tenants_is_two_records()
    {
        var store = await CreateStoreAsync();
        var (a, ca) = Change(Key("cs-alpha"), 1, "AVAILABLE", T0);
        var (b, cb) = Change(Key("cs-beta"), 1, "BLOCKED", T0);

        Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(ca, Ct));
        Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(cb, Ct));
        Assert.Equal("AVAILABLE", (await store.GetAsync(Key("cs-alpha"), Ct))!.Snapshot.CanSendMessage);
        Assert.Equal("BLOCKED", (await store.GetAsync(Key("cs-beta"), Ct))!.Snapshot.CanSendMessage);
    }

    [Fact]
    public async Task Initialising_twice_is_harmless()
    {
        var store = await CreateStoreAsync();
        await store.InitializeAsync(Ct);
        Assert.Null(await store.GetAsync(Key(), Ct));
    }
}
