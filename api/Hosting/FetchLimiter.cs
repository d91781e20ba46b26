using Microsoft.Extensions.Options;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// Bounds the image URLs fetched at once to <see cref="ConcurrencyOptions.MaxConcurrentFetches"/>, without a queue: a
/// search by URL beyond it is refused at once with 503 and Retry-After. A fetch keeps its slot until its search is
/// done, so slow or stalling hosts can hold at most that many response bodies (each at most <c>Fetching:MaxBytes</c>)
/// in memory, whatever the request rate.
/// </summary>
public sealed class FetchLimiter(IOptions<ImageSearchOptions> options) : WorkLimiter(
    options.Value.Concurrency.MaxConcurrentFetches, 0, options.Value.Concurrency.RetryAfter)
{
    protected override string BusyDetail => $"The service is fetching {Limit} image URLs already; try again shortly, or upload the photo.";
}
