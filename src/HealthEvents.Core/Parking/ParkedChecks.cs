namespace HealthEvents.Core.Parking;

/// <summary>
/// Checks this process parked that have not come back yet, per tenant (the dashboard's "parked").
/// An entry leaves when its check is consumed again, or a minute after it was due (it came back to
/// another instance, or was answered elsewhere), so the count cannot drift. Every operation is
/// O(log n): a flood parks tens of thousands of checks, one at a time.
/// </summary>
public sealed class ParkedChecks(TimeProvider time)
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, (string Tenant, DateTimeOffset Due)> _parked = [];
    private readonly Dictionary<string, int> _perTenant = new(StringComparer.Ordinal);

    // Every parking in order of when it may be forgotten; an entry whose check came back (or was
    // parked again since) is stale and skipped when it reaches the head.
    private readonly PriorityQueue<(Guid Id, DateTimeOffset Due), DateTimeOffset> _forgetting = new();

    public void Parked(Guid messageId, string custSpaceId, DateTimeOffset until)
    {
        lock (_gate)
        {
            ForgetOverdue();
            Remove(messageId);
            _parked[messageId] = (custSpaceId, until);
            _perTenant[custSpaceId] = _perTenant.GetValueOrDefault(custSpaceId) + 1;
            _forgetting.Enqueue((messageId, until), until + Grace);
        }
    }

    public void Returned(Guid messageId)
    {
        lock (_gate)
        {
            Remove(messageId);
        }
    }

    public int CountFor(string custSpaceId)
    {
        lock (_gate)
        {
            ForgetOverdue();
            return _perTenant.GetValueOrDefault(custSpaceId);
        }
    }

    private void ForgetOverdue()
    {
        var now = time.GetUtcNow();
        while (_forgetting.TryPeek(out var entry, out var forgetAt) && forgetAt < now)
        {
            _forgetting.Dequeue();
            if (_parked.TryGetValue(entry.Id, out var live) && live.Due == entry.Due)
            {
                Remove(entry.Id);
            }
        }
    }

    private void Remove(Guid messageId)
    {
        if (!_parked.Remove(messageId, out var entry))
        {
            return;
        }

        var left = _perTenant[entry.Tenant] - 1;
        if (left == 0)
        {
            _perTenant.Remove(entry.Tenant);
        }
        else
        {
            _perTenant[entry.Tenant] = left;
        }
    }
}
