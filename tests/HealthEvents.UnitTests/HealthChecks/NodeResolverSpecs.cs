using HealthEvents.Contracts;
using HealthEvents.Core.HealthChecks;
using HealthEvents.Graph.Errors;
using HealthEvents.UnitTests.Support;
using static HealthEvents.UnitTests.Support.CheckPipeline;

namespace HealthEvents.UnitTests.HealthChecks;

public class NodeResolverSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StubGraph Graph()
    {
        var graph = new StubGraph();
        graph.Phones.Add(("106540352242922", "+1 555-010-0001"));
        graph.Phones.Add(("106540352242923", "+1 555-010-0002"));
        graph.Templates.Add(("2632273056924580", "order_update", "en"));
        graph.Templates.Add(("2632273056924581", "order_update", "es"));
        return graph;
    }

    [Fact]
    public async Task Concurrent_look_ups_of_one_listing_share_one_graph_call()
    {
        var graph = Graph();
        await using var pipeline = await StartAsync(graph);
        graph.HoldListings();

        var lookUps = Enumerable.Range(0, 20)
            .Select(_ => pipeline.Get<NodeResolver>().ResolveAsync(new CheckTarget.PhoneByNumber("alpha", Waba, "15550100002", null), pipeline.Alpha, Ct))
            .ToList();
        await Wait.UntilAsync(() => graph.Listings("phone_numbers") >= 1, "the listing to be asked for");
        graph.ReleaseListings();
        var resolved = await Task.WhenAll(lookUps);

        Assert.Equal(1, graph.Listings("phone_numbers"));
        Assert.All(resolved, r => Assert.Equal("106540352242923", Assert.IsType<Resolution.Found>(r).NodeId));
    }

    [Fact]
    public async Task A_listing_is_remembered_between_checks()
    {
        await using var pipeline = await StartAsync(Graph());

        await pipeline.Get<NodeResolver>().ResolveAsync(new CheckTarget.PhoneById("alpha", Waba, "106540352242922", null), pipeline.Alpha, Ct);
        await pipeline.Get<NodeResolver>().ResolveAsync(new CheckTarget.PhoneByNumber("alpha", Waba, "+1 555 010 0001", null), pipeline.Alpha, Ct);

        Assert.Equal(1, pipeline.Graph.Listings("phone_numbers"));
    }

    [Fact]
    public async Task A_failed_listing_is_not_remembered()
    {
        var graph = Graph();
        graph.FailNextListings = 1;
        await using var pipeline = await StartAsync(graph);
        var target = new CheckTarget.PhoneById("alpha", Waba, "106540352242922", null);

        await Assert.ThrowsAsync<GraphPermanentException>(() => pipeline.Get<NodeResolver>().ResolveAsync(target, pipeline.Alpha, Ct));
        var found = await pipeline.Get<NodeResolver>().ResolveAsync(target, pipeline.Alpha, Ct);

        Assert.IsType<Resolution.Found>(found);
        Assert.Equal(2, graph.Listings("phone_numbers"));
    }

    [Fact]
    public async Task Nodes_by_id_must_be_on_the_tenants_waba_and_names_must_exist()
    {
        await using var pipeline = await StartAsync(Graph());
        var resolver = pipeline.Get<NodeResolver>();

        var foreignPhone = await resolver.ResolveAsync(new CheckTarget.PhoneById("alpha", Waba, "206500000000001", null), pipeline.Alpha, Ct);
        var unknownNumber = await resolver.ResolveAsync(new CheckTarget.PhoneByNumber("alpha", Waba, "+1 555 999 0000", null), pipeline.Alpha, Ct);
        var foreignTemplate = await resolver.ResolveAsync(new CheckTarget.TemplateById("alpha", Waba, "999", null), pipeline.Alpha, Ct);
        var unknownLanguage = await resolver.ResolveAsync(new CheckTarget.TemplateByCode("alpha", Waba, "order_update", "fr", null), pipeline.Alpha, Ct);

        Assert.Equal(RejectionReasons.AccessDenied, Assert.IsType<Resolution.NotResolved>(foreignPhone).Rejection.Reason);
        Assert.Equal(RejectionReasons.NotFound, Assert.IsType<Resolution.NotResolved>(unknownNumber).Rejection.Reason);
        Assert.Equal(RejectionReasons.AccessDenied, Assert.IsType<Resolution.NotResolved>(foreignTemplate).Rejection.Reason);
        Assert.Equal(RejectionReasons.NotFound, Assert.IsType<Resolution.NotResolved>(unknownLanguage).Rejection.Reason);
        Assert.Equal(0, pipeline.Graph.HealthCalls);
    }

    [Fact]
    public async Task A_template_by_code_resolves_to_the_id_of_its_language_with_its_identity()
    {
        await using var pipeline = await StartAsync(Graph());

        var found = Assert.IsType<Resolution.Found>(await pipeline.Get<NodeResolver>()
            .ResolveAsync(new CheckTarget.TemplateByCode("alpha", Waba, "order_update", "ES", null), pipeline.Alpha, Ct));

        Assert.Equal("2632273056924581", found.NodeId);
        Assert.Equal("order_update", found.Identity.TemplateCode);
        Assert.Equal("es", found.Identity.Language);
        Assert.Equal(Waba, found.Identity.WabaId);
        Assert.Contains(pipeline.Graph.Requests, r => r.Contains("name=order_update", StringComparison.Ordinal));
    }
}
