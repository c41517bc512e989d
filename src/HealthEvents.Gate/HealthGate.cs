using HealthEvents.Contracts;

namespace HealthEvents.Gate;

/// <summary>"May I send?", answered in-process from the events the gate has seen.</summary>
public interface IHealthGate
{
    /// <summary>
    /// The decision from what the view knows now, without waiting on anything: not allowed when the
    /// node was never seen or what is known is older than <see cref="HealthGateOptions.MaxStaleness"/>.
    /// </summary>
    GateDecision Decide(GateNode node, int? plannedRecipients = null);

    /// <summary>
    /// As <see cref="Decide"/>, but a node never seen or known too long ago is asked of the
    /// service's query API (when configured), within <see cref="HealthGateOptions.QueryTimeout"/>,
    /// and its answer kept. When that fails, the decision is not allowed and says why.
    /// </summary>
    Task<GateDecision> DecideAsync(GateNode node, int? plannedRecipients = null, CancellationToken cancellationToken = default);

    /// <summary>True once the view is loaded (see <see cref="HealthGateOptions.CustSpaceIds"/>) and its queue consumes.</summary>
    bool IsReady { get; }
}

internal sealed class HealthGate(HealthView view, HealthEventsQueryApi queryApi, HealthGateOptions options, GateReadiness readiness, TimeProvider time) : IHealthGate
{
    public bool IsReady => readiness.IsReady;

    public GateDecision Decide(GateNode node, int? plannedRecipients = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (view.Find(node) is not { } state)
        {
            return Holding(plannedRecipients, new CampaignReason
            {
                Code = GateReasons.NotSeen,
                Verdict = CampaignVerdicts.Hold,
                Text = $"No HealthStatusChanged about {node} has reached this gate.",
            });
        }

        var verdict = CampaignRule.Decide(state.NodeType, state.Status, state.Entities, state.Readiness, plannedRecipients);
        var age = time.GetUtcNow() - state.CheckedAt;
        if (age > options.MaxStaleness)
        {
            verdict = With(verdict, new CampaignReason
            {
                Code = GateReasons.Stale,
                Verdict = CampaignVerdicts.Hold,
                Text = $"What the gate knows (version {state.Version}) is {age.TotalMinutes:0} minutes old, more than MaxStaleness ({options.MaxStaleness.TotalMinutes:0} minutes).",
            });
        }

        return new GateDecision
        {
            Allowed = verdict.Verdict == CampaignVerdicts.Go,
            Verdict = verdict,
            Status = state.Status,
            Version = state.Version,
            CheckedAt = state.CheckedAt,
            Age = age,
            Source = state.Source,
        };
    }

    public async Task<GateDecision> DecideAsync(GateNode node, int? plannedRecipients = null, CancellationToken cancellationToken = default)
    {
        var decision = Decide(node, plannedRecipients);
        if (!queryApi.Configured || !decision.Verdict.Reasons.Any(r => r.Code is GateReasons.NotSeen or GateReasons.Stale))
        {
            return decision;
        }

        try
        {
            view.Apply(NodeState.From(await queryApi.HealthStatusAsync(node, plannedRecipients, cancellationToken)));
            return Decide(node, plannedRecipients);
        }
        catch (HealthEventsQueryException ex)
        {
            return decision with
            {
                Verdict = With(decision.Verdict, new CampaignReason { Code = GateReasons.QueryApiFailed, Verdict = CampaignVerdicts.Hold, Text = ex.Message }),
            };
        }
    }

    private static GateDecision Holding(int? plannedRecipients, CampaignReason reason) => new()
    {
        Allowed = false,
        Verdict = new CampaignVerdict { Verdict = CampaignVerdicts.Hold, Reasons = [reason], PlannedRecipients = plannedRecipients },
        Source = GateSources.None,
    };

    // The gate's reasons hold a campaign; one that is already stopped stays stopped.
    private static CampaignVerdict With(CampaignVerdict verdict, CampaignReason reason) => verdict with
    {
        Verdict = verdict.Verdict == CampaignVerdicts.Stop ? CampaignVerdicts.Stop : CampaignVerdicts.Hold,
        Reasons = [.. verdict.Reasons, reason],
    };
}
