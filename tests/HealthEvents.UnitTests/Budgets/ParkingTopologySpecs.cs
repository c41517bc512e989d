using HealthEvents.Core.Parking;

namespace HealthEvents.UnitTests.Budgets;

/// <summary>How a delay is written into the routing key that carries a parked check through the delay levels.</summary>
public class ParkingTopologySpecs
{
    private readonly RabbitMqParkingTopology _topology = new("health-check-requested");

    [Fact]
    public void A_delay_is_its_number_of_units_in_binary_highest_level_first_then_the_destination()
    {
        // 1.05 s = 11 units of 100 ms (rounded up, never early) = binary 1011.
        Assert.Equal("0.0.0.0.0.0.0.0.0.0.0.0.1.0.1.1.health-check-requested.shard-03", RabbitMqParkingTopology.RoutingKey(TimeSpan.FromMilliseconds(1050), "health-check-requested.shard-03"));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5_000, 1)]
    [InlineData(100, 1)]
    [InlineData(101, 2)]
    [InlineData(99_999_999, 65_535)]
    public void Delays_round_up_to_whole_units_within_the_levels_reach(int milliseconds, int units) =>
        Assert.Equal(units, RabbitMqParkingTopology.UnitsFor(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Each_level_holds_twice_as_long_as_the_one_below_and_the_levels_reach_the_park_limit()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), RabbitMqParkingTopology.LevelTtl(0));
        Assert.Equal(TimeSpan.FromMilliseconds(100 * 32_768), RabbitMqParkingTopology.LevelTtl(15));
        Assert.True(RabbitMqParkingTopology.MaxDelay >= TimeSpan.FromMinutes(109));
    }

    [Fact]
    public void A_levels_bindings_look_at_its_own_word_of_the_key()
    {
        Assert.Equal("1.#", RabbitMqParkingTopology.Pattern(15, '1'));
        Assert.Equal("*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.0.#", RabbitMqParkingTopology.Pattern(0, '0'));
        Assert.Equal("health-check-requested.park.15", _topology.EntryExchange);
        Assert.Equal("health-check-requested.park.deliver", _topology.Below(0));
        Assert.Equal("health-check-requested.park.03", _topology.Below(4));
        Assert.Equal("health-check-requested.park.03.qq", _topology.LevelQueueName(3));
    }
}
