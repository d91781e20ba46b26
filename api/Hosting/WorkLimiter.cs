using System.Threading.RateLimiting;
using ImageSearch.Api.Errors;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// Bounds one kind of work to <see cref="Limit"/> at once with a first-come queue of <see cref="QueueLength"/>. Work
/// that finds the queue full is refused at once with 503 and Retry-After rather than waiting without bound: under
/// overload, latency stays bounded and memory flat, and clients learn to back off.
/// </summary>
public abstract class WorkLimiter : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly TimeSpan _retryAfter;

    protected WorkLimiter(int limit, int queueLength, TimeSpan retryAfter)
    {
        Limit = limit;
        QueueLength = queueLength;
        _retryAfter = retryAfter;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = limit,
            QueueLimit = queueLength,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int Limit { get; }

    public int QueueLength { get; }

    /// <summary>Work running now.</summary>
    public long Active => Limit - (_limiter.GetStatistics()?.CurrentAvailablePermits ?? Limit);

    /// <summary>Work waiting for a slot now.</summary>
    public long Queued => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>Raised on every refusal (for the metrics).</summary>
    public event Action? Refused;

    /// <summary>Waits for a slot; throws a 503 <see cref="ApiProblemException"/> when the queue is full. Dispose the lease when done.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(CancellationToken ct)
    {
        var lease = await _limiter.AcquireAsync(1, ct);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        Refused?.Invoke();
        throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable, "Too busy", BusyDetail) { RetryAfter = _retryAfter };
    }

    public void Dispose()
    {
        _limiter.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>What a refusal says, ending with what to do.</summary>
    protected abstract string BusyDetail { get; }
}
