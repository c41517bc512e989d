using MassTransit;

namespace HealthEvents.UnitTests.Support;

/// <summary>A receive endpoint's ready, stopping or faulted event, for observers of endpoints.</summary>
public sealed class FakeEndpointEvent(Uri inputAddress) : ReceiveEndpointReady, ReceiveEndpointStopping, ReceiveEndpointFaulted
{
    public Uri InputAddress { get; } = inputAddress;

    public IReceiveEndpoint ReceiveEndpoint => throw new NotSupportedException();

    public bool IsStarted => true;

    public bool Removed => false;

    public Exception Exception { get; } = new InvalidOperationException("connection lost");
}
