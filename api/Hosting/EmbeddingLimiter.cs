using Microsoft.Extensions.Options;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// Bounds the embeddings (decode + inference) that run at once to <see cref="ConcurrencyOptions.MaxConcurrentEmbeddings"/>,
/// with a short first-come queue of <see cref="ConcurrencyOptions.QueueLength"/>; beyond it, 503 with Retry-After.
/// An upload's bytes are read only once its search holds a slot, so the waiting searches hold no image in memory.
/// </summary>
public sealed class EmbeddingLimiter(IOptions<ImageSearchOptions> options) : WorkLimiter(
    options.Value.Concurrency.EffectiveLimit, options.Value.Concurrency.EffectiveQueueLength, options.Value.Concurrency.RetryAfter)
{
    protected override string BusyDetail => $"The service is embedding {Limit} images with {QueueLength} more waiting; try again shortly.";
}
