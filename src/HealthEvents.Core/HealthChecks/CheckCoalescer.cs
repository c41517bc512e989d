namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Lets requests for a node whose check is already under way join it instead of making their own
/// Graph call: one check leads (per <see cref="CheckTarget.CoalescingKey"/>), the others wait for
/// it, in place while it runs, parked while it is parked, and then answer from the snapshot it
/// stored. Joining happens before budget admission, so joined requests spend no budget.
/// <para>
/// Only the process that holds the leader knows it (the tenant's checks are all consumed here:
/// one process, or one shard owner). Nothing here is needed for correctness, only for cost: a
/// joiner that finds no fresh answer when it comes back simply tries again, leading if need be.
/// </para>
/// </summary>
public sealed class CheckCoalescer(TimeProvider time)
{
    /// <summary>A parked leader due longer ago than this is presumed gone (rejected, or failed to the error queue).</summary>
    public static readonly TimeSpan LeaderGrace = TimeSpan.FromSeconds(10);

    /// <summary>Joiners of a parked leader come back this much after it, so its answer is stored when they look.</summary>
    public static readonly TimeSpan JoinDelay = TimeSpan.FromMilliseconds(500);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _pending = new(StringComparer.Ordinal);
    private long _finished;

    /// <summary>
    /// How many leaders have finished so far, of any node. A request that reads it before looking at
    /// the store and sees it unchanged when it becomes the leader knows no answer was stored meanwhile.
    /// </summary>
    public long Finished => Interlocked.Read(ref _finished);

    /// <summary>Leads the check of <paramref name="key"/>, or says which pending check to join.</summary>
    public Pending TryLead(string key, Guid requestId)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_pending.TryGetValue(key, out var entry))
            {
                switch (entry)
                {
                    case Entry.Running running:
                        return new Pending.Running(running.Done.Task);
                    case Entry.Parked parked when parked.LeaderId != requestId && parked.Until + LeaderGrace > now:
                        return new Pending.Parked(parked.Until);
                }
            }

            var lead = new Entry.Running(requestId, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _pending[key] = lead;
            return new Pending.Lead(new Leadership(this, key, lead));
        }
    }

    /// <summary>Checks being led or parked right now (for tests and metrics).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    private void Park(string key, Entry.Running lead, DateTimeOffset until)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue(key, out var current) && current == lead)
            {
                _pending[key] = new Entry.Parked(lead.LeaderId, until);
            }
        }

        lead.Done.TrySetResult();
    }

    private void Finish(string key, Entry.Running lead)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue(key, out var current) && current == lead)
            {
                _pending.Remove(key);
            }
        }

        Interlocked.Increment(ref _finished);
        lead.Done.TrySetResult();
    }

    /// <summary>What a request found: lead it yourself, or join the one running or parked.</summary>
    public abstract record Pending
    {
        private Pending()
        {
        }

        public sealed record Lead(Leadership Leadership) : Pending;

        /// <summary>Completes when the running check is over, however it ended.</summary>
        public sealed record Running(Task Done) : Pending;

        public sealed record Parked(DateTimeOffset Until) : Pending;
    }

    /// <summary>
    /// The leader's hold on its key: <see cref="ParkUntil"/> when it is parked, disposed when it is
    /// over; either way the requests waiting on it wake up.
    /// </summary>
    public sealed class Leadership : IDisposable
    {
        private readonly CheckCoalescer _owner;
        private readonly string _key;
        private readonly Entry.Running _lead;

        internal Leadership(CheckCoalescer owner, string key, Entry.Running lead) => (_owner, _key, _lead) = (owner, key, lead);

        public void ParkUntil(DateTimeOffset until) => _owner.Park(_key, _lead, until);

        public void Dispose() => _owner.Finish(_key, _lead);
    }

    internal abstract record Entry
    {
        public sealed record Running(Guid LeaderId, TaskCompletionSource Done) : Entry;

        public sealed record Parked(Guid LeaderId, DateTimeOffset Until) : Entry;
    }
}
