using HealthEvents.Graph.Throttling;

namespace HealthEvents.Graph;

/// <summary>
/// What a Graph read gives back when it did not fail: Meta's answer, or the budget's deferral
/// (the call gate would not let an attempt go out soon enough; nothing reached Meta for it).
/// Meta's own errors are still exceptions (<see cref="Errors.GraphTransientException"/>, …).
/// </summary>
public abstract record GraphAnswer<T>
{
    private GraphAnswer()
    {
    }

    public sealed record Answered(T Value) : GraphAnswer<T>;

    public sealed record Deferred(CallDeferral Deferral) : GraphAnswer<T>;
}
