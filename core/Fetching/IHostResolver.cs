using System.Net;

namespace ImageSearch.Core.Fetching;

/// <summary>Resolves host names for <see cref="SafeImageFetcher"/>; tests substitute their own.</summary>
public interface IHostResolver
{
    /// <summary>Every address of <paramref name="host"/>. Throws (e.g. <see cref="System.Net.Sockets.SocketException"/>) when it has none.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}
