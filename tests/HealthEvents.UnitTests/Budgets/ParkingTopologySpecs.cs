using HealthEvents.Core.Parking;

namespace HealthEvents.UnitTests.Budgets;

/// <summary>Which hop a parked check takes on RabbitMQ, by what is left of its wait.</summary>
public class ParkingTopologySpecs
{
    private readonly RabbitMqParkingTopology _topology = new("health-check-requested");

    [Theory]
    [InlineData(-5, null)]
    [InlineData(0, null)]
    [InlineData(14.999, null)]
    [InlineData(15, 0)]
    [InlineData(29.9, 0)]
    [InlineData(30, 1)]
    [InlineData(300, 4)]
    [InlineData(7_679, 8)]
    [InlineData(7_680, 9)]
    [InlineData(86_400, 9)]
    public void A_wait_takes_the_longest_hop_within_it_and_one_shorter_than_the_shortest_is_held(double seconds, int? hop) =>
        Assert.Equal(hop, RabbitMqParkingTopology.HopFor(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Each_hop_holds_twice_as_long_as_the_one_before_and_the_longest_is_past_the_park_limit()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), RabbitMqParkingTopology.HopTtl(0));
        Assert.Equal(TimeSpan.FromSeconds(30), RabbitMqParkingTopology.HopTtl(1));
        Assert.True(RabbitMqParkingTopology.HopTtl(RabbitMqParkingTopology.Hops - 1) >= TimeSpan.FromMinutes(109));
        Assert.Equal("health-check-requested.park.15s", _topology.HopQueueName(0));
        Assert.Equal("health-check-requested.park.7680s", _topology.HopQueueName(9));
    }

    [Fact]
    public void A_wait_goes_to_its_hops_exchange_or_straight_to_the_near_queue()
    {
        Assert.Equal(new Uri("exchange:health-check-requested.park.near?type=fanout&durable=true"), _topology.AddressFor(TimeSpan.FromSeconds(3)));
        Assert.Equal(_topology.NearExchangeAddress, _topology.AddressFor(TimeSpan.Zero));
        Assert.Equal(new Uri("exchange:health-check-requested.park.60s?type=fanout&durable=true"), _topology.AddressFor(TimeSpan.FromSeconds(100)));
    }

    [Fact]
    public void A_long_wait_takes_at_most_one_hop_of_each_length_and_ends_held_for_less_than_the_shortest()
    {
        var left = TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(7);
        var taken = new List<int>();
        while (RabbitMqParkingTopology.HopFor(left) is { } hop)
        {
            taken.Add(hop);
            left -= RabbitMqParkingTopology.HopTtl(hop);
        }

        // 607 s = 480 + 120 + 7: the 480 s and 120 s hops, then 7 s held.
        Assert.Equal([5, 3], taken);
        Assert.Equal(TimeSpan.FromSeconds(7), left);
    }
}
