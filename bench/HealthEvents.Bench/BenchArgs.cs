using System.Globalization;

namespace HealthEvents.Bench;

/// <summary>Command-line options: <c>--name value</c> pairs after the scenario name.</summary>
internal sealed class BenchArgs(string[] args)
{
    public string Text(string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public int Int(string name, int fallback) => int.Parse(Text(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    /// <summary>The broker root; each run makes its own virtual host there.</summary>
    public Uri Broker => new(Text("--rabbitmq", "amqp://guest:guest@localhost:5672/"));

    /// <summary>Simulator latency as <c>min-max</c> milliseconds.</summary>
    public (int Min, int Max) Latency(string fallback)
    {
        var parts = Text("--latency-ms", fallback).Split('-');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[^1], CultureInfo.InvariantCulture));
    }

    /// <summary>Which setups a comparing scenario runs: <c>--setups service,naive</c> (both, the default).</summary>
    public string[] Setups() => Text("--setups", "service,naive").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
