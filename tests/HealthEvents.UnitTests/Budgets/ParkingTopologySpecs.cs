using HealthEvents.Core.Parking;

namespace HealthEvents.UnitTests.Budgets;

/// <summary>How a delay is written into the headers that carry a parked check through the delay levels.</summary>
public class ParkingTopologySpecs
{
    private readonly RabbitMqParkingTopology _topology = new("health-check-requested");

    [Fact]
    public void A_delay_is_its_number_of_units_in_binary_one_header_per_level()
    {
        // 1.05 s = 11 units of 100 ms (rounded up, never early) = binary 1011.
        var bits = RabbitMqParkingTopology.DelayHeaders(TimeSpan.FromMilliseconds(1050)).ToDictionary();
        Assert.Equal(RabbitMqParkingTopology.Levels, bits.Count);
        Assert.Equal(("1", "1", "0", "1"), (bits["HealthEvents-Delay-00"], bits["HealthEvents-Delay-01"], bits["HealthEvents-Delay-02"], bits["HealthEvents-Delay-03"]));
        Assert.All(Enumerable.Range(4, 12), level => Assert.Equal("0", bits[RabbitMqParkingTopology.BitHeader(level)]));
    }

    [Fact]
    public void A_parked_check_enters_at_the_level_of_its_highest_bit()
    {
        Assert.Equal(new Uri("exchange:health-check-requested.delay.03?type=headers&durable=true"), _topology.EntryAddressFor(TimeSpan.FromMilliseconds(1050)));
        Assert.Equal(new Uri("exchange:health-check-requested.delay.00?type=headers&durable=true"), _topology.EntryAddressFor(TimeSpan.Zero));
        Assert.Equal(new Uri("exchange:health-check-requested.delay.15?type=headers&durable=true"), _topology.EntryAddressFor(TimeSpan.FromHours(5)));
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
    public void A_levels_bindings_look_at_its_own_bit_and_the_deliver_exchange_delivers_everything()
    {
        Assert.Equal(new Dictionary<string, object?> { ["x-match"] = "all", ["HealthEvents-Delay-15"] = "1" }, RabbitMqParkingTopology.LevelBinding(15, '1'));
        Assert.Equal(new Dictionary<string, object?> { ["x-match"] = "all", ["HealthEvents-Delay-00"] = "0" }, RabbitMqParkingTopology.LevelBinding(0, '0'));
        Assert.Equal(new Dictionary<string, object?> { ["x-match"] = "all" }, RabbitMqParkingTopology.DeliverEverything());
        Assert.Equal("health-check-requested.delay.deliver", _topology.Below(0));
        Assert.Equal("health-check-requested.delay.03", _topology.Below(4));
        Assert.Equal("health-check-requested.delay.03.qq", _topology.LevelQueueName(3));
    }
}
