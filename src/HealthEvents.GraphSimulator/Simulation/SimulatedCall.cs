namespace HealthEvents.GraphSimulator.Simulation;

/// <summary>
/// One call as the simulator saw it: when it arrived, which scenario token made it (by name,
/// never the secret), the path and query, the WABA it counted against, and how it was answered.
/// </summary>
public sealed record SimulatedCall(
    DateTimeOffset At,
    string TokenName,
    string Path,
    string? WabaId,
    int Status,
    string Outcome);
