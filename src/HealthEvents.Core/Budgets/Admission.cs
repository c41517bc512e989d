using HealthEvents.Graph.Throttling;

namespace HealthEvents.Core.Budgets;

/// <summary>The budget's answer to "may this check (or call) run now?": one of a closed set.</summary>
public abstract record Admission
{
    private Admission()
    {
    }

    /// <summary>Run now; dispose the lease when done (a call's lease keeps counting for one more window).</summary>
    public sealed record Granted(IDisposable Lease) : Admission;

    /// <summary>
    /// Not before <paramref name="NotBefore"/>, because of <paramref name="Reason"/>. <paramref name="Slot"/>
    /// is the check's reserved place in its tenant's pace: carried with the parked check and honoured
    /// when it comes back, so it is not charged twice.
    /// </summary>
    public sealed record Deferred(DateTimeOffset NotBefore, WaitReason Reason, DateTimeOffset? Slot) : Admission;

    /// <summary>Not within the longest a check may be parked (<c>Budget:MaxParkTime</c>): give up and say when.</summary>
    public sealed record Exhausted(DateTimeOffset NotBefore, WaitReason Reason) : Admission;
}

/// <summary>
/// A check asking for admission: its scopes, the start it was promised when parked (if any) and
/// when it was first parked (the park-time bound counts from there).
/// </summary>
public sealed record CheckTicket(Graph.GraphCallScope Scope, DateTimeOffset? Slot = null, DateTimeOffset? ParkedSince = null);

/// <summary>A tenant's spending: Graph calls in the current window of its rate, and per WABA in the current hour.</summary>
public sealed record BudgetUsage(int CallsInWindow, int CallsPerWindow, TimeSpan Window, IReadOnlyList<WabaUsage> Wabas);

/// <summary>One WABA's Graph calls in the current hour against Meta's hourly quota.</summary>
public sealed record WabaUsage(string WabaId, int CallsThisHour, int CallsPerHour);
