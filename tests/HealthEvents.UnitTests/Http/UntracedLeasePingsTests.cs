using System.Collections.Concurrent;
using System.Diagnostics;
using HealthEvents.Core.Bus;
using HealthEvents.Http.Operations;
using HealthEvents.UnitTests.Support;
using MassTransit;
using MassTransit.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace HealthEvents.UnitTests.Http;

/// <summary>Router lease pings leave no spans in the exported traces; other messages' spans are exported.</summary>
public class UntracedLeasePingsTests
{
    [Fact]
    public async Task Spans_of_lease_pings_are_not_exported_and_others_are()
    {
        var ended = new ConcurrentQueue<Activity>();
        var exported = new ConcurrentQueue<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(DiagnosticHeaders.DefaultListenerName)
            .AddProcessor(new Recording(ended))
            .AddProcessor(new UntracedLeasePings())
            .AddProcessor(new SimpleActivityExportProcessor(new Collecting(exported)))
            .Build();
        var bus = MassTransit.Bus.Factory.CreateUsingInMemory(cfg =>
        {
            cfg.ReceiveEndpoint("health-check-requested" + CheckQueues.RouterLeaseSuffix, e => e.Handler<RouterLeasePing>(_ => Task.CompletedTask));
            cfg.ReceiveEndpoint("something-else", e => e.Handler<SomethingElse>(_ => Task.CompletedTask));
        });
        await bus.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await (await bus.GetSendEndpoint(new Uri("queue:health-check-requested" + CheckQueues.RouterLeaseSuffix))).Send(new RouterLeasePing("test"), TestContext.Current.CancellationToken);
            await (await bus.GetSendEndpoint(new Uri("queue:something-else"))).Send(new SomethingElse("x"), TestContext.Current.CancellationToken);

            // Both received and their spans ended (every span ends through the recording processor first).
            await Wait.UntilAsync(() => ended.Any(a => a.Kind == ActivityKind.Consumer && Mentions(a, "router-lease"))
                && ended.Any(a => a.Kind == ActivityKind.Consumer && Mentions(a, "something-else")), "both messages received");
        }
        finally
        {
            await bus.StopAsync(TestContext.Current.CancellationToken);
        }

        Assert.Contains(ended, a => Mentions(a, "router-lease"));
        Assert.Contains(exported, a => Mentions(a, "something-else"));
        Assert.DoesNotContain(exported, a => Mentions(a, "router-lease") || Mentions(a, nameof(RouterLeasePing)));
    }

    private static bool Mentions(Activity activity, string text) =>
        activity.DisplayName.Contains(text, StringComparison.Ordinal)
        || activity.TagObjects.Any(t => t.Value is string value && value.Contains(text, StringComparison.Ordinal));

    public sealed record SomethingElse(string Text);

    private sealed class Recording(ConcurrentQueue<Activity> ended) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => ended.Enqueue(data);
    }

    private sealed class Collecting(ConcurrentQueue<Activity> exported) : BaseExporter<Activity>
    {
        public override ExportResult Export(in OpenTelemetry.Batch<Activity> batch)
        {
            foreach (var activity in batch)
            {
                exported.Enqueue(activity);
            }

            return ExportResult.Success;
        }
    }
}
