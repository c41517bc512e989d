using HealthEvents.Core.Hosting;
using Microsoft.Extensions.Configuration;

namespace HealthEvents.UnitTests.Hosting;

/// <summary>The settings file sits between appsettings.json and the environment: it overrides the one and yields to the other.</summary>
public sealed class SettingsFileSpecs : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("healthevents-settings-").FullName;

    [Fact]
    public void A_named_file_overrides_appsettings_and_environment_variables_still_win()
    {
        var appsettings = Write("appsettings.json", """{ "Bus": { "QueueName": "from-appsettings", "RetryLimit": 1 }, "Budget": { "Window": "00:00:01" } }""");
        var file = Write("settings.json", """{ "Bus:QueueName": "from-file", "Bus": { "RetryLimit": 3 }, "Tenants:Spaces:a:AccessToken": "t" }""");
        var builder = new ConfigurationBuilder().AddJsonFile(appsettings).AddInMemoryCollection(new Dictionary<string, string?> { ["Bus:RetryLimit"] = "7" });

        SettingsFile.Add(builder, file);
        var configuration = builder.Build();

        Assert.Equal("from-file", configuration["Bus:QueueName"]);
        Assert.Equal("7", configuration["Bus:RetryLimit"]);
        Assert.Equal("00:00:01", configuration["Budget:Window"]);
        Assert.Equal("t", configuration["Tenants:Spaces:a:AccessToken"]);
    }

    [Fact]
    public void A_named_file_that_does_not_exist_stops_the_start_up()
    {
        var builder = new ConfigurationBuilder();
        SettingsFile.Add(builder, Path.Combine(_directory, "missing.json"));

        Assert.Throws<FileNotFoundException>(() => builder.Build());
    }

    [Fact]
    public void Without_a_name_nothing_is_added()
    {
        var builder = new ConfigurationBuilder();
        SettingsFile.Add(builder, null);

        Assert.Empty(builder.Sources);
    }

    private string Write(string name, string json)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, json);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
