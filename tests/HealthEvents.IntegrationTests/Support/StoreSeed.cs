using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using HealthEvents.Storage;

namespace HealthEvents.IntegrationTests.Support;

/// <summary>Phone snapshots written straight into a store, as earlier checks would have left them (already published).</summary>
public static class StoreSeed
{
    /// <summary>A seeded phone: its Graph id, display number and status.</summary>
    public sealed record SeededPhone(string Id, string Display, string Status);

    public static async Task PhonesAsync(IHealthStore store, string custSpaceId, IEnumerable<SeededPhone> phones, DateTimeOffset checkedAt)
    {
        ArgumentNullException.ThrowIfNull(store);
        var ct = TestContext.Current.CancellationToken;
        foreach (var batch in phones.Chunk(500))
        {
            await Task.WhenAll(batch.Select(async phone =>
            {
                var snapshot = new HealthSnapshot
                {
                    CanSendMessage = phone.Status,
                    ReportedCanSendMessage = phone.Status,
                    CheckedAt = checkedAt,
                    Entities = [new HealthEntity { EntityType = "PHONE_NUMBER", Id = phone.Id, CanSendMessage = phone.Status }],
                    Readiness = new Readiness { QualityRating = "GREEN", MessagingLimit = "TIER_10K", PhoneStatus = "CONNECTED" },
                };
                var key = new NodeKey(custSpaceId, NodeTypes.Phone, phone.Id);
                var identity = new NodeIdentity { WabaId = TestScenarios.AlphaWaba, PhoneNumber = phone.Display, PhoneNumberId = phone.Id };
                Assert.Equal(SaveResult.Saved, await store.SaveChangeAsync(new StoredChange(key, identity, 1, snapshot, null), ct));
                await store.MarkDispatchedAsync(key, 1, ct);
            }));
        }
    }
}
