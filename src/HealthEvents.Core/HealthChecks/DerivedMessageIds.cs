using System.Security.Cryptography;
using System.Text;
using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// MessageIds derived from what a message is about instead of drawn at random, so the same answer
/// sent twice (a redelivered request, a change published by the check and by the outbox sweep) is
/// the same message twice, which subscribers and MassTransit's inbox can drop.
/// </summary>
public static class DerivedMessageIds
{
    /// <summary>A change event: node and version (the form change events have always had).</summary>
    public static Guid ForChange(NodeKey node, long version) =>
        From($"{node.CustSpaceId}\n{node.NodeType}\n{node.NodeId}\n{version}");

    /// <summary>The outcome of type <typeparamref name="TOutcome"/> of the request <paramref name="requestMessageId"/>.</summary>
    public static Guid ForOutcome<TOutcome>(Guid requestMessageId) =>
        From($"outcome\n{typeof(TOutcome).Name}\n{requestMessageId:N}");

    private static Guid From(string identity) => new(SHA256.HashData(Encoding.UTF8.GetBytes(identity)).AsSpan(0, 16));
}
