using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using HealthEvents.Contracts;
using MassTransit;
using Microsoft.Data.Sqlite;

namespace HealthEvents.Bench;

/// <summary>
/// The same-work floor: a plain MassTransit consumer written the way a team would first write it,
/// doing the I/O a check does — the Graph call to the simulator, one SQLite write of the snapshot
/// and its history row, publishing <see cref="HealthCheckCompleted"/> and
/// <see cref="HealthStatusChanged"/> — with no budgets, no validation, no outbox, no coalescing.
/// What the service costs beyond it is what its guarantees cost.
/// </summary>
internal static class SameWorkFloor
{
    private const string Queue = "bench-floor-same-work";

    /// <summary>Checks per second through the floor for <paramref name="checks"/> (sent to its queue, 200 in flight).</summary>
    public static async Task<double> RunAsync(Uri vhost, Uri graph, IReadOnlyDictionary<string, string> tokens, IReadOnlyList<HealthCheckRequested> checks, string directory)
    {
        var database = Path.Combine(directory, $"same-work-{Guid.NewGuid():N}.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = database, Pooling = true }.ToString();
        await using (var setup = new SqliteConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var command = setup.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS snapshots (tenant TEXT, node_type TEXT, node_id TEXT, version INTEGER, json TEXT, PRIMARY KEY (tenant, node_type, node_id));
                CREATE TABLE IF NOT EXISTS history (tenant TEXT, node_type TEXT, node_id TEXT, version INTEGER, json TEXT);
                """;
            await command.ExecuteNonQueryAsync();
        }

        using var http = new HttpClient { BaseAddress = graph };
        var consumed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(vhost, _ => { });
            cfg.ReceiveEndpoint(Queue, e =>
            {
                // The service's own endpoint settings (appsettings.json): prefetch 128, 64 at once.
                e.PrefetchCount = 128;
                e.ConcurrentMessageLimit = 64;
                e.Handler<HealthCheckRequested>(async context =>
                {
                    await CheckAsync(context, http, tokens, connectionString);
                    if (Interlocked.Increment(ref consumed) == checks.Count)
                    {
                        done.TrySetResult();
                    }
                });
            });
        });
        await bus.StartAsync();
        try
        {
            var endpoint = await bus.GetSendEndpoint(new Uri("queue:" + Queue));
            var clock = Stopwatch.StartNew();
            foreach (var chunk in checks.Chunk(200))
            {
                await Task.WhenAll(chunk.Select(check => endpoint.Send(check)));
            }

            await done.Task.WaitAsync(TimeSpan.FromMinutes(10));
            return checks.Count / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await bus.StopAsync();
            SqliteConnection.ClearAllPools();
        }
    }

    private static async Task CheckAsync(ConsumeContext<HealthCheckRequested> context, HttpClient http, IReadOnlyDictionary<string, string> tokens, string connectionString)
    {
        var request = context.Message;
        using var call = new HttpRequestMessage(HttpMethod.Get, $"v21.0/{request.WabaId}?fields=health_status");
        call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[request.CustSpaceId]);
        using var response = await http.SendAsync(call, context.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(context.CancellationToken), cancellationToken: context.CancellationToken);
        var health = json.RootElement.GetProperty("health_status");
        var entities = health.GetProperty("entities").EnumerateArray().Select(e => new HealthEntity
        {
            EntityType = e.GetProperty("entity_type").GetString()!,
            Id = e.GetProperty("id").GetString()!,
            CanSendMessage = e.GetProperty("can_send_message").GetString()!,
        }).ToList();
        var snapshot = new HealthSnapshot
        {
            CanSendMessage = health.GetProperty("can_send_message").GetString()!,
            ReportedCanSendMessage = health.GetProperty("can_send_message").GetString()!,
            Entities = entities,
            CheckedAt = DateTimeOffset.UtcNow,
        };

        var stored = JsonSerializer.Serialize(snapshot);
        long version;
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync(context.CancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(context.CancellationToken);
            await using var upsert = connection.CreateCommand();
            upsert.CommandText = """
                INSERT INTO snapshots VALUES ($tenant, $type, $node, 1, $json)
                ON CONFLICT (tenant, node_type, node_id) DO UPDATE SET version = version + 1, json = excluded.json
                RETURNING version;
                """;
            upsert.Parameters.AddWithValue("$tenant", request.CustSpaceId);
            upsert.Parameters.AddWithValue("$type", request.NodeType);
            upsert.Parameters.AddWithValue("$node", request.WabaId);
            upsert.Parameters.AddWithValue("$json", stored);
            version = (long)(await upsert.ExecuteScalarAsync(context.CancellationToken))!;
            await using var history = connection.CreateCommand();
            history.CommandText = "INSERT INTO history VALUES ($tenant, $type, $node, $version, $json);";
            history.Parameters.AddWithValue("$tenant", request.CustSpaceId);
            history.Parameters.AddWithValue("$type", request.NodeType);
            history.Parameters.AddWithValue("$node", request.WabaId);
            history.Parameters.AddWithValue("$version", version);
            history.Parameters.AddWithValue("$json", stored);
            await history.ExecuteNonQueryAsync(context.CancellationToken);
            await transaction.CommitAsync(context.CancellationToken);
        }

        await context.Publish(new HealthStatusChanged
        {
            CustSpaceId = request.CustSpaceId,
            NodeType = request.NodeType,
            NodeId = request.WabaId!,
            WabaId = request.WabaId,
            Current = snapshot.CanSendMessage,
            Entities = entities,
            CheckedAt = snapshot.CheckedAt,
            Version = version,
        }, p => p.InitiatorId = context.MessageId);
        await context.Publish(new HealthCheckCompleted
        {
            CustSpaceId = request.CustSpaceId,
            NodeType = request.NodeType,
            NodeId = request.WabaId!,
            WabaId = request.WabaId,
            Snapshot = snapshot,
            FromCache = false,
            Version = version,
        }, p => p.InitiatorId = context.MessageId);
    }
}
