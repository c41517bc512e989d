using HealthEvents.Contracts;
using HealthEvents.Domain.HealthChecks;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Driver;

namespace HealthEvents.Storage.MongoDb;

/// <summary>
/// MongoDB store. Multi-document transactions need a replica set, so atomicity comes from single
/// documents instead: a change is written to the node's snapshot document together with its
/// pending event (the outbox lives in the snapshot, in <c>pending</c>); the history entry is then
/// upserted idempotently, and again before the event is marked published, so a crash between
/// the two writes loses nothing.
/// </summary>
public sealed class MongoHealthStore(IMongoDatabase database) : IHealthStore
{
    private static readonly JsonWriterSettings RelaxedJson = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };

    private readonly IMongoCollection<BsonDocument> _snapshots = database.GetCollection<BsonDocument>("snapshots");
    private readonly IMongoCollection<BsonDocument> _history = database.GetCollection<BsonDocument>("history");
    private readonly IMongoCollection<BsonDocument> _answers = database.GetCollection<BsonDocument>("answers");

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        await _snapshots.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("custSpaceId").Ascending("nodeType").Ascending("nodeId"),
                new CreateIndexOptions { Unique = true, Name = "node_unique" }),
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("pending.seq"),
                new CreateIndexOptions<BsonDocument>
                {
                    Name = "pending_outbox",
                    PartialFilterExpression = Builders<BsonDocument>.Filter.Exists("pending.0"),
                }),
        ], cancellationToken);
        await _history.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("custSpaceId").Ascending("nodeType").Ascending("nodeId").Ascending("version"),
                new CreateIndexOptions { Unique = true, Name = "node_version_unique" }),
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("custSpaceId").Ascending("checkedAt"),
                new CreateIndexOptions { Name = "tenant_checked" }),
        ], cancellationToken);
        await _answers.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(keys.Ascending("answeredAtMs"), new CreateIndexOptions { Name = "answered_at" }),
            cancellationToken: cancellationToken);
    }

    public async Task<StoredSnapshot?> GetAsync(NodeKey key, CancellationToken cancellationToken)
    {
        var doc = await _snapshots.Find(KeyFilter(key)).FirstOrDefaultAsync(cancellationToken);
        return doc is null
            ? null
            : new StoredSnapshot(key, FromBson<NodeIdentity>(doc["identity"]), FromBson<HealthSnapshot>(doc["snapshot"]), doc["version"].ToInt64());
    }

    public async Task<SaveResult> SaveChangeAsync(StoredChange change, AnsweredRequest? answer, CancellationToken cancellationToken) =>
        await WriteChangeAsync(change, cancellationToken) == SaveResult.Saved ? await AlsoRememberAsync(answer, cancellationToken) : SaveResult.Conflict;

    public async Task<SaveResult> SaveRecheckAsync(StoredSnapshot current, AnsweredRequest? answer, CancellationToken cancellationToken) =>
        await WriteRecheckAsync(current, cancellationToken) == SaveResult.Saved ? await AlsoRememberAsync(answer, cancellationToken) : SaveResult.Conflict;

    // No multi-document transaction: the answer's record follows its snapshot's write, before the answer is sent.
    private async Task<SaveResult> AlsoRememberAsync(AnsweredRequest? answer, CancellationToken cancellationToken)
    {
        if (answer is not null)
        {
            await RememberAnswerAsync(answer, cancellationToken);
        }

        return SaveResult.Saved;
    }

    private async Task<SaveResult> WriteChangeAsync(StoredChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var current = change.After;
        var pending = new BsonDocument
        {
            ["version"] = change.Version,
            ["seq"] = DateTime.UtcNow.Ticks,
            ["schema"] = ChangeDocument.CurrentSchema,
            ["change"] = BsonDocument.Parse(ChangeDocument.Write(change)),
        };

        if (change.Version == 1)
        {
            try
            {
                var doc = KeyDocument(current.Key);
                doc["version"] = 1L;
                doc["checkedAtMs"] = current.Snapshot.CheckedAt.ToUnixTimeMilliseconds();
                doc["identity"] = ToBson(current.Identity);
                doc["snapshot"] = ToBson(current.Snapshot);
                doc["pending"] = new BsonArray { pending };
                await _snapshots.InsertOneAsync(doc, cancellationToken: cancellationToken);
            }
            catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
            {
                return SaveResult.Conflict;
            }
        }
        else
        {
            var update = Builders<BsonDocument>.Update
                .Set("version", change.Version)
                .Set("checkedAtMs", current.Snapshot.CheckedAt.ToUnixTimeMilliseconds())
                .Set("identity", ToBson(current.Identity))
                .Set("snapshot", ToBson(current.Snapshot))
                .Push("pending", pending);
            var result = await _snapshots.UpdateOneAsync(
                KeyFilter(current.Key) & Builders<BsonDocument>.Filter.Eq("version", change.Version - 1), update, cancellationToken: cancellationToken);
            if (result.ModifiedCount != 1)
            {
                return SaveResult.Conflict;
            }
        }

        await EnsureHistoryAsync(change, cancellationToken);
        return SaveResult.Saved;
    }

    private async Task<SaveResult> WriteRecheckAsync(StoredSnapshot current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        var at = current.Snapshot.CheckedAt.ToUnixTimeMilliseconds();
        var sameVersion = KeyFilter(current.Key) & Builders<BsonDocument>.Filter.Eq("version", current.Version);
        var result = await _snapshots.UpdateOneAsync(
            sameVersion & Builders<BsonDocument>.Filter.Lt("checkedAtMs", at),
            Builders<BsonDocument>.Update.Set("checkedAtMs", at).Set("snapshot", ToBson(current.Snapshot)),
            cancellationToken: cancellationToken);
        if (result.MatchedCount == 1)
        {
            return SaveResult.Saved;
        }

        // Not newer than what is stored: fine, as long as nobody changed the version meanwhile.
        return await _snapshots.CountDocumentsAsync(sameVersion, cancellationToken: cancellationToken) == 1
            ? SaveResult.Saved
            : SaveResult.Conflict;
    }

    public async Task<IReadOnlyList<StoredChange>> GetUndispatchedAsync(int max, CancellationToken cancellationToken)
    {
        var docs = await _snapshots.Find(Builders<BsonDocument>.Filter.Exists("pending.0"))
            .Sort(Builders<BsonDocument>.Sort.Ascending("pending.seq"))
            .Limit(max)
            .ToListAsync(cancellationToken);
        return docs
            .SelectMany(d => d["pending"].AsBsonArray.Select(p => (Key: KeyOf(d), Pending: p.AsBsonDocument)))
            .OrderBy(p => p.Pending["seq"].ToInt64())
            .Take(max)
            .Select(p => ReadChange(p.Key, p.Pending))
            .ToList();
    }

    public async Task MarkDispatchedAsync(NodeKey key, long version, CancellationToken cancellationToken)
    {
        var doc = await _snapshots.Find(KeyFilter(key)).FirstOrDefaultAsync(cancellationToken);
        var pending = doc?["pending"].AsBsonArray.Select(p => p.AsBsonDocument).FirstOrDefault(p => p["version"].ToInt64() == version);
        if (pending is null)
        {
            return;
        }

        await EnsureHistoryAsync(ReadChange(key, pending), cancellationToken);
        await _snapshots.UpdateOneAsync(
            KeyFilter(key),
            Builders<BsonDocument>.Update.PullFilter("pending", Builders<BsonDocument>.Filter.Eq("version", version)),
            cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<StoredChange>> GetHistoryAsync(NodeKey key, long fromVersion, int max, CancellationToken cancellationToken)
    {
        var docs = await _history.Find(KeyFilter(key) & Builders<BsonDocument>.Filter.Gte("version", fromVersion))
            .Sort(Builders<BsonDocument>.Sort.Ascending("version"))
            .Limit(max)
            .ToListAsync(cancellationToken);
        return docs.Select(d => ReadChange(key, d)).ToList();
    }

    public async Task<IReadOnlyList<StoredSnapshot>> ListSnapshotsAsync(SnapshotQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = Builders<BsonDocument>.Filter.Eq("custSpaceId", query.CustSpaceId);
        if (query.NodeType is not null)
        {
            filter &= Builders<BsonDocument>.Filter.Eq("nodeType", query.NodeType);
        }

        if (query.CanSendMessage is not null)
        {
            filter &= Builders<BsonDocument>.Filter.Eq("snapshot.canSendMessage", query.CanSendMessage);
        }

        if (query.Search is { } search)
        {
            var text = new BsonRegularExpression(System.Text.RegularExpressions.Regex.Escape(search), "i");
            var bySearch = Builders<BsonDocument>.Filter.Regex("nodeId", text) | Builders<BsonDocument>.Filter.Regex("identity.templateCode", text);
            if (PhoneNumbers.DigitsOfSearch(search) is { } digits)
            {
                // The digits in order, with any separators between them, as display numbers are written.
                bySearch |= Builders<BsonDocument>.Filter.Regex("identity.phoneNumber", new BsonRegularExpression(string.Join("[^0-9]*", digits.ToCharArray())));
            }

            filter &= bySearch;
        }

        // StatusRank as a computed field, so pages follow the same order as the embedded store's.
        var rank = new BsonDocument("$switch", new BsonDocument
        {
            { "branches", new BsonArray(StatusRank.Known.Select(k => new BsonDocument { { "case", new BsonDocument("$eq", new BsonArray { "$snapshot.canSendMessage", k.Status }) }, { "then", k.Rank } })) },
            { "default", StatusRank.Other },
        });
        var pipeline = new List<BsonDocument> { new("$match", filter.Render(new RenderArgs<BsonDocument>(_snapshots.DocumentSerializer, _snapshots.Settings.SerializerRegistry))), new("$addFields", new BsonDocument("rank", rank)) };
        if (query.After is { } after)
        {
            pipeline.Add(new BsonDocument("$match", new BsonDocument("$or", new BsonArray
            {
                new BsonDocument("rank", new BsonDocument("$gt", after.Rank)),
                new BsonDocument { { "rank", after.Rank }, { "nodeType", new BsonDocument("$gt", after.NodeType) } },
                new BsonDocument { { "rank", after.Rank }, { "nodeType", after.NodeType }, { "nodeId", new BsonDocument("$gt", after.NodeId) } },
            })));
        }

        pipeline.Add(new BsonDocument("$sort", new BsonDocument { { "rank", 1 }, { "nodeType", 1 }, { "nodeId", 1 } }));
        pipeline.Add(new BsonDocument("$limit", query.Max));
        var docs = await _snapshots.Aggregate<BsonDocument>(pipeline, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        return docs.Select(d => new StoredSnapshot(KeyOf(d), FromBson<NodeIdentity>(d["identity"]), FromBson<HealthSnapshot>(d["snapshot"]), d["version"].ToInt64())).ToList();
    }

    public async Task<IReadOnlyList<StoredChange>> GetChangesAsync(string custSpaceId, DateTimeOffset checkedFrom, DateTimeOffset checkedUntil, int max, CancellationToken cancellationToken)
    {
        // checkedAt (whole milliseconds) selects a little more than the range, and every document
        // written before it existed; the exact range is applied as documents are read.
        var filter = Builders<BsonDocument>.Filter;
        var from = checkedFrom.UtcDateTime.AddTicks(-(checkedFrom.UtcDateTime.Ticks % TimeSpan.TicksPerMillisecond));
        var docs = _history.Find(filter.Eq("custSpaceId", custSpaceId)
                & (filter.Exists("checkedAt", false) | (filter.Gte("checkedAt", from) & filter.Lte("checkedAt", checkedUntil.UtcDateTime))))
            .Sort(Builders<BsonDocument>.Sort.Ascending("recordedAt").Ascending("version"));
        var changes = new List<StoredChange>();
        using var cursor = await docs.ToCursorAsync(cancellationToken);
        while (changes.Count < max && await cursor.MoveNextAsync(cancellationToken))
        {
            changes.AddRange(cursor.Current
                .Select(doc => ReadChange(KeyOf(doc), doc))
                .Where(c => c.Current.CheckedAt >= checkedFrom && c.Current.CheckedAt < checkedUntil)
                .Take(max - changes.Count));
        }

        return changes;
    }

    public async Task RememberAnswerAsync(AnsweredRequest answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var doc = KeyDocument(answer.Node);
        doc["_id"] = answer.RequestId.ToString("N");
        doc["version"] = answer.Version;
        doc["checkedAtTicks"] = answer.CheckedAt.UtcTicks;
        doc["fromCache"] = answer.FromCache;
        doc["answeredAtMs"] = answer.AnsweredAt.ToUnixTimeMilliseconds();
        try
        {
            await _answers.InsertOneAsync(doc, cancellationToken: cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // The first record of a request wins.
        }
    }

    public async Task<AnsweredRequest?> FindAnswerAsync(Guid requestId, CancellationToken cancellationToken)
    {
        var doc = await _answers.Find(Builders<BsonDocument>.Filter.Eq("_id", requestId.ToString("N"))).FirstOrDefaultAsync(cancellationToken);
        return doc is null
            ? null
            : new AnsweredRequest(requestId, new NodeKey(doc["custSpaceId"].AsString, doc["nodeType"].AsString, doc["nodeId"].AsString),
                doc["version"].ToInt64(), new DateTimeOffset(doc["checkedAtTicks"].ToInt64(), TimeSpan.Zero), doc["fromCache"].ToBoolean(),
                DateTimeOffset.FromUnixTimeMilliseconds(doc["answeredAtMs"].ToInt64()));
    }

    public async Task<int> ForgetAnswersAsync(DateTimeOffset answeredBefore, int max, CancellationToken cancellationToken)
    {
        var old = Builders<BsonDocument>.Filter.Lt("answeredAtMs", answeredBefore.ToUnixTimeMilliseconds());
        var ids = await _answers.Find(old).Sort(Builders<BsonDocument>.Sort.Ascending("answeredAtMs")).Limit(max)
            .Project(Builders<BsonDocument>.Projection.Include("_id")).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return 0;
        }

        var deleted = await _answers.DeleteManyAsync(Builders<BsonDocument>.Filter.In("_id", ids.Select(d => d["_id"])), cancellationToken);
        return (int)deleted.DeletedCount;
    }

    public Task PingAsync(CancellationToken cancellationToken) =>
        database.RunCommandAsync((Command<BsonDocument>)"{ ping: 1 }", cancellationToken: cancellationToken);

    private async Task EnsureHistoryAsync(StoredChange change, CancellationToken cancellationToken)
    {
        await _history.UpdateOneAsync(
            KeyFilter(change.Key) & Builders<BsonDocument>.Filter.Eq("version", change.Version),
            Builders<BsonDocument>.Update
                .SetOnInsert("schema", ChangeDocument.CurrentSchema)
                .SetOnInsert("change", BsonDocument.Parse(ChangeDocument.Write(change)))
                .SetOnInsert("recordedAt", DateTime.UtcNow)
                .SetOnInsert("checkedAt", change.Current.CheckedAt.UtcDateTime),
            new UpdateOptions { IsUpsert = true },
            cancellationToken);
    }

    // A history or pending document: version, change and (absent before schema 2) schema.
    private static StoredChange ReadChange(NodeKey key, BsonDocument doc) => ChangeDocument.Read(
        key,
        doc["version"].ToInt64(),
        doc.TryGetValue("schema", out var schema) ? schema.ToInt32() : 1,
        doc["change"].AsBsonDocument.ToJson(RelaxedJson));

    private static NodeKey KeyOf(BsonDocument doc) => new(doc["custSpaceId"].AsString, doc["nodeType"].AsString, doc["nodeId"].AsString);

    private static FilterDefinition<BsonDocument> KeyFilter(NodeKey key) =>
        Builders<BsonDocument>.Filter.Eq("custSpaceId", key.CustSpaceId)
        & Builders<BsonDocument>.Filter.Eq("nodeType", key.NodeType)
        & Builders<BsonDocument>.Filter.Eq("nodeId", key.NodeId);

    private static BsonDocument KeyDocument(NodeKey key) => new()
    {
        ["custSpaceId"] = key.CustSpaceId,
        ["nodeType"] = key.NodeType,
        ["nodeId"] = key.NodeId,
    };

    // Documents are the same JSON the SQLite store keeps, stored as BSON so they stay queryable.
    private static BsonDocument ToBson<T>(T value) => BsonDocument.Parse(StoreJson.Write(value));

    private static T FromBson<T>(BsonValue value) => StoreJson.Read<T>(value.AsBsonDocument.ToJson(RelaxedJson));
}
