namespace ImageSearch.Api.Hosting;

/// <summary>A backing store that <c>/health/ready</c> checks: the service is ready only while it answers.</summary>
public interface IStoreHealth
{
    Task<bool> IsReachableAsync(CancellationToken ct);
}
