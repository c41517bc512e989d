using HealthEvents.Domain.HealthChecks;

namespace HealthEvents.UnitTests;

public class InputRulesTests
{
    [Theory]
    [InlineData("106540352242922", true)]
    [InlineData("1", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("12a", false)]
    [InlineData("../me", false)]
    [InlineData("123?fields=access_token", false)]
    [InlineData("123/phone_numbers", false)]
    [InlineData("١٢٣", false)] // non-ASCII digits
    [InlineData("123456789012345678901234567890123", false)] // 33 digits
    public void Graph_ids_are_ascii_digits_only(string? id, bool valid) => Assert.Equal(valid, GraphId.IsValid(id));

    [Theory]
    [InlineData("+1 555-010-0001", "15550100001")]
    [InlineData("86 138 0000 0001", "8613800000001")]
    [InlineData("(555) 010.0001", "5550100001")]
    public void Display_numbers_compare_by_digits(string display, string digits)
    {
        Assert.True(PhoneNumbers.IsValid(display));
        Assert.Equal(digits, PhoneNumbers.Normalize(display));
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("+1 555 abc")]
    [InlineData("1555/../0001")]
    [InlineData("")]
    public void Garbage_display_numbers_are_invalid(string display) => Assert.False(PhoneNumbers.IsValid(display));
}
