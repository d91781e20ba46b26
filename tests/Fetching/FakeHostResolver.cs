using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ImageSearch.Core.Fetching;

namespace ImageSearch.Tests.Fetching;

/// <summary>
/// Made-up DNS: each name maps to the answers of its successive look-ups (the last one repeats). Unknown names fail
/// like NXDOMAIN, so a test never reaches a real resolver.
/// </summary>
internal sealed class FakeHostResolver : IHostResolver
{
    private readonly Dictionary<string, IPAddress[][]> _answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _lookups = new();

    public IReadOnlyList<string> Lookups => [.. _lookups];

    public FakeHostResolver Map(string host, params string[] addresses) => MapSequence(host, [addresses]);

    /// <summary>First look-up answers <paramref name="answers"/>[0], the second [1]...</summary>
    public FakeHostResolver MapSequence(string host, params string[][] answers)
    {
        _answers[host] = [.. answers.Select(a => a.Select(IPAddress.Parse).ToArray())];
        return this;
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        var seen = _lookups.Count(h => string.Equals(h, host, StringComparison.OrdinalIgnoreCase));
        _lookups.Enqueue(host);
        if (!_answers.TryGetValue(host, out var answers))
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        return Task.FromResult(answers[Math.Min(seen, answers.Length - 1)]);
    }
}
