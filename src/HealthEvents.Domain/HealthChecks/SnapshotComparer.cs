using System.Text;
using HealthEvents.Contracts;

namespace HealthEvents.Domain.HealthChecks;

/// <summary>
/// Decides whether a new snapshot is a change (BRIEF §5 "changed means changed"): the overall
/// status, any entity's status, errors or additional info, or any readiness value (a tier, a
/// quality, a template status). Meta gives no ordering guarantee for entities, errors or additional
/// info, so order never counts; the check time never counts. A previous snapshot without readiness
/// (stored before readiness was asked for) is compared without it: first sight of readiness is not a change.
/// </summary>
public static class SnapshotComparer
{
    public static bool IsChange(HealthSnapshot? previous, HealthSnapshot current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (previous is null)
        {
            return true;
        }

        // A readiness value Meta would not give on either side is not known, so it cannot have moved.
        var notKnown = previous.Readiness is null
            ? null
            : new HashSet<string>([.. previous.Readiness.Unknown, .. current.Readiness?.Unknown ?? []], StringComparer.Ordinal);
        return Fingerprint(previous, notKnown) != Fingerprint(current, notKnown);
    }

    /// <summary>A canonical, order-independent text of everything that counts as a change.</summary>
    public static string Fingerprint(HealthSnapshot snapshot) => Fingerprint(snapshot, new HashSet<string>());

    /// <summary>The same, leaving out readiness altogether (<paramref name="notKnown"/> null) or the readiness values it names.</summary>
    private static string Fingerprint(HealthSnapshot snapshot, HashSet<string>? notKnown)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var text = new StringBuilder();
        Append(text, snapshot.CanSendMessage);
        if (notKnown is not null && snapshot.Readiness is { } r)
        {
            foreach (var (property, value) in r.Values().Where(v => !notKnown.Contains(v.Key)))
            {
                Append(text, value is null ? null : $"r:{property}:{value}");
            }
        }

        foreach (var entity in snapshot.Entities
                     .OrderBy(e => e.EntityType, StringComparer.Ordinal)
                     .ThenBy(e => e.Id, StringComparer.Ordinal))
        {
            text.Append('|');
            Append(text, entity.EntityType);
            Append(text, entity.Id);
            Append(text, entity.CanSendMessage);
            Append(text, entity.CanReceiveCallSip);
            foreach (var info in entity.AdditionalInfo.Order(StringComparer.Ordinal))
            {
                Append(text, "i:" + info);
            }

            foreach (var error in entity.Errors
                         .OrderBy(e => e.ErrorCode, StringComparer.Ordinal)
                         .ThenBy(e => e.ErrorDescription, StringComparer.Ordinal)
                         .ThenBy(e => e.PossibleSolution, StringComparer.Ordinal))
            {
                Append(text, "e:" + error.ErrorCode);
                Append(text, error.ErrorDescription);
                Append(text, error.PossibleSolution);
            }
        }

        return text.ToString();
    }

    // Length-prefixed, so no combination of values can collide with another.
    private static void Append(StringBuilder text, string? value) =>
        text.Append(value?.Length ?? -1).Append(':').Append(value).Append(';');
}
