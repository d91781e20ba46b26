using System.Threading.RateLimiting;
using ImageSearch.Api.Errors;
using Microsoft.Extensions.Options;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// Bounds the embeddings (decode + inference) that run at once to <see cref="ConcurrencyOptions.MaxConcurrentEmbeddings"/>,
/// with a short first-come queue of <see cref="ConcurrencyOptions.QueueLength"/>. A search that finds the queue full is
/// refused at once with 503 and Retry-After rather than waiting without bound: under overload, latency stays bounded
/// and memory flat, and clients learn to back off.
/// </summary>
public sealed class EmbeddingLimiter : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly TimeSpan _retryAfter;

    public EmbeddingLimiter(IOptions<ImageSearchOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var concurrency = options.Value.Concurrency;
        Limit = concurrency.EffectiveLimit;
        QueueLength = concurrency.EffectiveQueueLength;
        _retryAfter = concurrency.RetryAfter;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Limit,
            QueueLimit = QueueLength,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int Limit { get; }

    public int QueueLength { get; }

    /// <summary>Waits for a slot; throws a 503 <see cref="ApiProblemException"/> when the queue is full. Dispose the lease when done.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(CancellationToken ct)
    {
        var lease = await _limiter.AcquireAsync(1, ct);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        throw new ApiProblemException(
            StatusCodes.Status503ServiceUnavailable,
            "Too busy",
            $"The service is embedding {Limit} images with {QueueLength} more waiting; try again shortly.")
        {
            RetryAfter = _retryAfter,
        };
    }

    public void Dispose() => _limiter.Dispose();
}
