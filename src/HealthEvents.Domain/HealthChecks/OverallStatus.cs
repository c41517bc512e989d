using HealthEvents.Contracts;

namespace HealthEvents.Domain.HealthChecks;

/// <summary>
/// Meta's overall-status rule: BLOCKED if any entity is BLOCKED, else LIMITED if any is LIMITED,
/// else AVAILABLE. Meta's enum is open, so an unknown value ranks between LIMITED and BLOCKED:
/// it is kept as sent and can never make a node look AVAILABLE or LIMITED.
/// </summary>
public static class OverallStatus
{
    public static string Compute(IEnumerable<string> entityStatuses)
    {
        ArgumentNullException.ThrowIfNull(entityStatuses);
        var worst = MessagingStatus.Available;
        foreach (var status in entityStatuses)
        {
            worst = MoreSevere(worst, status);
        }

        return worst;
    }

    /// <summary>The overall status HealthEvents reports: the rule applied to the entities, never less severe than Meta's own overall value.</summary>
    public static string Reconcile(string reportedByMeta, IEnumerable<HealthEntity> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        return MoreSevere(Compute(entities.Select(e => e.CanSendMessage)), reportedByMeta);
    }

    /// <summary>Of two statuses, the one that allows less sending; between two unknown values, the first.</summary>
    public static string MoreSevere(string a, string b) => Severity(b) > Severity(a) ? b : a;

    private static int Severity(string? status) => status switch
    {
        MessagingStatus.Available => 0,
        MessagingStatus.Limited => 1,
        MessagingStatus.Blocked => 3,
        _ => 2,
    };
}
