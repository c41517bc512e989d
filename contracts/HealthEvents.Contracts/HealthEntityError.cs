namespace HealthEvents.Contracts;

/// <summary>A reason an entity cannot send (or sends with limits), as Meta reports it.</summary>
public sealed record HealthEntityError
{
    /// <summary>Meta's error code as a string (Alibaba's shape), e.g. "141006".</summary>
    public required string ErrorCode { get; init; }

    /// <summary>What is wrong.</summary>
    public string? ErrorDescription { get; init; }

    /// <summary>How the business can fix it.</summary>
    public string? PossibleSolution { get; init; }
}
