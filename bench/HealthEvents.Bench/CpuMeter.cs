using System.Globalization;

namespace HealthEvents.Bench;

/// <summary>
/// CPU time spent by the service instances, the broker and this process between two readings
/// (utime + stime from <c>/proc</c>). On this shared, noisy machine the CPU a check costs moves
/// far less from run to run than wall-clock throughput, so it is what tells a change apart.
/// </summary>
internal sealed record CpuReading(TimeSpan Service, TimeSpan Broker, TimeSpan Bench)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static CpuReading Take(IEnumerable<BenchWorld.Instance> instances) => new(
        TimeSpan.FromSeconds(instances.Sum(i => SafeSeconds(i.Process.Id))),
        TimeSpan.FromSeconds(BrokerPids().Sum(SafeSeconds)),
        TimeSpan.FromSeconds(SafeSeconds(Environment.ProcessId)));

    /// <summary>"service x ms, broker y ms, bench z ms of CPU per check" between <paramref name="start"/> and <paramref name="end"/>.</summary>
    public static string PerCheck(CpuReading start, CpuReading end, int checks) => checks == 0
        ? "no checks"
        : string.Create(CultureInfo.InvariantCulture,
            $"CPU per check: service {(end.Service - start.Service).TotalMilliseconds / checks:0.000} ms, broker {(end.Broker - start.Broker).TotalMilliseconds / checks:0.000} ms, bench (publisher, listener, simulator) {(end.Bench - start.Bench).TotalMilliseconds / checks:0.000} ms");

    /// <summary>For a floor measured inside this process: "broker x ms, publisher and consumer y ms of CPU per message".</summary>
    public static string PerFloorMessage(CpuReading start, CpuReading end, int messages) => string.Create(CultureInfo.InvariantCulture,
        $"CPU per message: broker {(end.Broker - start.Broker).TotalMilliseconds / messages:0.000} ms, publisher and consumer {(end.Bench - start.Bench).TotalMilliseconds / messages:0.000} ms");

    private static double SafeSeconds(int pid)
    {
        try
        {
            // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static IEnumerable<int> BrokerPids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ReadComm(dir) == "beam.smp")
            {
                yield return pid;
            }
        }
    }

    private static string? ReadComm(string dir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dir, "comm")).Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
