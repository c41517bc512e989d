using HealthEvents.Core.Hosting;
using HealthEvents.Demo;

// The embedded default, end to end: the service (in-memory bus, SQLite file) against the
// in-process Graph simulator with the sample scenario (or the scenario file given as argument).
return await StartupErrors.ReportAsync(() => DemoRunner.RunAsync(args));
