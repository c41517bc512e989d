using HealthEvents.Storage.MongoDb;
using HealthEvents.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace HealthEvents.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// Registers <see cref="IHealthStore"/> from <c>Storage</c> (SQLite unless told otherwise) and a
    /// hosted service that creates its schema and indexes at start-up, before the bus starts
    /// (register this before the bus).
    /// </summary>
    public static IServiceCollection AddHealthEventsStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Provider != StorageProvider.MongoDb || !string.IsNullOrWhiteSpace(o.MongoDbConnectionString),
                "Storage:MongoDbConnectionString is required when Storage:Provider is 'MongoDb'.")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, WritableSqlitePath>();
        services.AddSingleton<IHealthStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            IHealthStore store = options.Provider == StorageProvider.MongoDb
                ? new MongoHealthStore(new MongoClient(options.MongoDbConnectionString).GetDatabase(options.MongoDbDatabase))
                : new SqliteHealthStore(options.SqlitePath, options.SqliteSynchronous);
            return new BoundedHealthStore(store, options.MaxConcurrentOperations, options.OperationTimeout);
        });
        services.AddHostedService<StoreInitializer>();
        return services;
    }

    private sealed class WritableSqlitePath : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
            options.Provider == StorageProvider.Sqlite && SqlitePathCheck.Problem(options.SqlitePath) is { } problem
                ? ValidateOptionsResult.Fail(problem)
                : ValidateOptionsResult.Success;
    }

    private sealed class StoreInitializer(IHealthStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
