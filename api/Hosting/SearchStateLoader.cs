using System.Diagnostics;
using ImageSearch.Core;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Search;
using Microsoft.Extensions.Options;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// Loads the model, the catalog and the index once at start-up, before the server takes requests. Any problem
/// (a malformed catalog, an index built with another model...) stops the start with its message.
/// </summary>
public sealed class SearchStateLoader(
    SearchState state,
    IOptions<ImageSearchOptions> options,
    ILoggerFactory loggerFactory,
    ILogger<SearchStateLoader> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var stopwatch = Stopwatch.StartNew();
        CatalogSnapshot snapshot;
        ImageEmbedder embedder;
        try
        {
            embedder = ImageEmbedder.Create(settings.ToEmbedderOptions(), loggerFactory);
            state.SetEmbedder(embedder);
            snapshot = CatalogSnapshot.Load(settings.CatalogPath, settings.IndexPath, embedder.Identity, settings.Index, logger);
        }
        catch (ImageSearchStartupException e)
        {
            logger.LogCritical("ImageSearch cannot start: {Reason}", e.Message);
            throw;
        }
        catch (FileNotFoundException e)
        {
            // The settings' validation saw every file; one gone since (or a file the index's metadata names) stops the
            // start like the engine's own start-up failures, with the file's message.
            logger.LogCritical("ImageSearch cannot start: {Reason}", e.Message);
            throw new ImageSearchStartupException(e.Message, e);
        }

        state.Publish(snapshot);
        if (snapshot.CatalogChangedSinceBuild)
        {
            logger.LogWarning(
                "The catalog {CatalogPath} changed since the index {IndexPath} was built ({BuiltAt}); new or changed products are not searchable until the index is rebuilt.",
                snapshot.Catalog.Path, snapshot.IndexPath, snapshot.Index.BuiltAt);
        }

        logger.LogInformation(
            "Loaded {Products} products ({Indexed} indexed, {Dimension}-d, {Storage}, model {ModelSha}, {Preprocessing}) in {ElapsedMs} ms",
            snapshot.Catalog.Count, snapshot.IndexedCount, snapshot.Index.Dimension, snapshot.Storage, embedder.Identity.ModelSha256[..12],
            embedder.Identity.Preprocessing, stopwatch.ElapsedMilliseconds);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
