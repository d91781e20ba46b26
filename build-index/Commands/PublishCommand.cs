using System.CommandLine;
using System.Globalization;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ImageSearch.BuildIndex.Commands;

/// <summary>
/// <c>publish --catalog products.csv --index index.csv</c>: copies a built index into PostgreSQL + pgvector as a new
/// version, builds its HNSW index and makes it the current version. The connection string comes from the
/// environment (<see cref="PostgresStoreOptions.ConnectionStringVariable"/>), never from the command line.
/// </summary>
internal static class PublishCommand
{
    public static Command Create()
    {
        var catalogOption = new Option<FileInfo>("--catalog") { Description = "The catalog the index was built from (every row and column is published).", Required = true };
        var indexOption = new Option<FileInfo>("--index") { Description = "The built index (index.csv with its .meta.json; index.bin beside it is used when it belongs to the build).", Required = true };
        var m = new Option<int>("--hnsw-m") { Description = "HNSW links per node (pgvector's m).", DefaultValueFactory = _ => new PublishOptions().HnswM };
        var efConstruction = new Option<int>("--hnsw-ef-construction") { Description = "HNSW candidates while building (pgvector's ef_construction).", DefaultValueFactory = _ => new PublishOptions().HnswEfConstruction };
        var grace = new Option<double>("--grace-minutes")
        {
            Description = "Versions that stopped being current longer ago than this are dropped (longer than the replicas' poll interval plus the longest request).",
            DefaultValueFactory = _ => new PublishOptions().GracePeriod.TotalMinutes,
        };
        var noSwitch = new Option<bool>("--no-switch") { Description = "Publish and index the version but leave the current one serving (switch later with --switch-to)." };
        var switchTo = new Option<long?>("--switch-to") { Description = "Publish nothing: make this already published version the current one." };
        var schema = new Option<string>("--schema") { Description = "The schema of the store.", DefaultValueFactory = _ => new PostgresStoreOptions().Schema };
        var command = new Command(
            "publish",
            $"Publish a built index to PostgreSQL + pgvector as a new version and make it current. The connection string is read from {PostgresStoreOptions.ConnectionStringVariable} (a password in PGPASSWORD or ~/.pgpass). Exit 0: published; 1: the database failed; 2: unusable input.")
        {
            catalogOption, indexOption, m, efConstruction, grace, noSwitch, switchTo, schema,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var connectionString = Environment.GetEnvironmentVariable(PostgresStoreOptions.ConnectionStringVariable);
            var storeOptions = new PostgresStoreOptions
            {
                ConnectionString = connectionString,
                Schema = parse.GetRequiredValue(schema),
                CommandTimeout = TimeSpan.FromHours(2),
                ConnectTimeout = TimeSpan.FromSeconds(10),
                MaxPoolSize = 4,
            };
            if (storeOptions.Problems() is { Count: > 0 } problems)
            {
                return Failure.Report("publish", ExitCodes.UnusableInput, string.Join(" ", problems));
            }

            var options = new PublishOptions
            {
                HnswM = parse.GetValue(m),
                HnswEfConstruction = parse.GetValue(efConstruction),
                GracePeriod = TimeSpan.FromMinutes(parse.GetValue(grace)),
                Switch = !parse.GetValue(noSwitch),
            };
            if (options.HnswM is < 2 or > 100 || options.HnswEfConstruction < 2 * options.HnswM || options.HnswEfConstruction > 1000 || options.GracePeriod < TimeSpan.Zero)
            {
                return Failure.Report("publish", ExitCodes.UnusableInput, "--hnsw-m takes 2–100, --hnsw-ef-construction 2·m–1000, --grace-minutes not negative.");
            }

            await using var store = new PostgresVectorStore(storeOptions);
            try
            {
                if (parse.GetValue(switchTo) is { } version)
                {
                    await IndexPublisher.SwitchAsync(store, version, cancellationToken);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"publish: version {version} is now current"));
                    return ExitCodes.Success;
                }

                using var source = ReadSource(parse.GetRequiredValue(catalogOption), parse.GetRequiredValue(indexOption), out var failure);
                if (source is null)
                {
                    return failure;
                }

                var result = await IndexPublisher.PublishAsync(store, source, options, new SynchronousProgress(Console.Error), cancellationToken);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"publish: version {result.Version}: {result.Products:N0} products ({result.Vectors:N0} vectors) loaded in {result.Load.TotalSeconds:F1} s ({result.RowsPerSecond:N0} rows/s), keys {result.Keys.TotalSeconds:F1} s, HNSW {result.Hnsw.TotalSeconds:F1} s (m = {options.HnswM}, ef_construction = {options.HnswEfConstruction}), {(options.Switch ? "now current" : "not switched to")}"));
                if (result.Dropped.Count > 0)
                {
                    Console.WriteLine($"publish: dropped versions retired more than {options.GracePeriod.TotalMinutes:0.#} minutes ago: {string.Join(", ", result.Dropped)}");
                }

                return ExitCodes.Success;
            }
            catch (Exception e) when (e is NpgsqlException or VectorStoreUnavailableException or TimeoutException)
            {
                return Failure.Report("publish", ExitCodes.Failed, $"the database failed: {e.Message}; the current version was left as it was.");
            }
            catch (OperationCanceledException)
            {
                return Failure.Report("publish", ExitCodes.Cancelled, "cancelled; the current version was left as it was.");
            }
        });
        return command;
    }

    private static PublishSource? ReadSource(FileInfo catalog, FileInfo index, out int failure)
    {
        failure = ExitCodes.Success;
        try
        {
            return PublishSource.Read(catalog.FullName, index.FullName, NullLogger.Instance);
        }
        catch (CatalogFormatException e)
        {
            foreach (var error in e.Errors)
            {
                Console.Error.WriteLine($"{catalog.Name}:{error.Line}: {error.Message}");
            }

            failure = Failure.Report("publish", ExitCodes.UnusableInput, $"{catalog.Name} has {e.Errors.Count} problem(s); nothing was published.");
        }
        catch (Exception e) when (e is IndexFormatException or FileNotFoundException or IOException)
        {
            failure = Failure.Report("publish", ExitCodes.UnusableInput, $"{e.Message} Nothing was published.");
        }

        return null;
    }

    /// <summary>Progress lines written as they happen (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    private sealed class SynchronousProgress(TextWriter writer) : IProgress<string>
    {
        public void Report(string value) => writer.WriteLine($"publish: {value}");
    }
}
