using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace ImageSearch.Core.Fetching;

/// <summary>
/// Downloads images by URL without letting the URL reach anything but public hosts (server-side request forgery).
/// </summary>
/// <remarks>
/// <para>
/// Every hop (the URL and each redirect) is checked: http or https only, the scheme's default port or an allowed
/// one, no user info, and every address the host resolves to must be public (<see cref="IpAddressPolicy"/>). The
/// connection then goes to those vetted addresses themselves — the handler's <c>ConnectCallback</c> never resolves
/// again — so a DNS answer that changes between the check and the connection (rebinding) cannot redirect it. Host
/// header and TLS server name stay those of the URL.
/// </para>
/// <para>
/// Pooled connections are reused per scheme, host and port; a reused connection goes to an address vetted when it
/// was opened. Proxies, cookies, automatic redirects and decompression are off.
/// </para>
/// <para>Thread-safe: one instance (one <see cref="HttpClient"/>) serves every caller.</para>
/// </remarks>
public sealed class SafeImageFetcher : IImageFetcher, IDisposable
{
    /// <summary>Circuit-breaker state is kept for at most this many hosts; past it, it starts afresh.</summary>
    private const int MaxTrackedHosts = 4096;

    /// <summary>The longest URL text a message or log line carries.</summary>
    private const int MaxDescribedLength = 200;

    /// <summary>The first read buffer; it doubles as the body arrives, never sized by what the peer declares.</summary>
    private const int InitialBufferBytes = 64 * 1024;

    private static readonly HttpRequestOptionsKey<IPAddress[]> VettedAddressesKey = new("ImageSearch.VettedAddresses");

    private readonly ImageFetcherOptions _options;
    private readonly FrozenSet<int> _allowedPorts;
    private readonly IHostResolver _resolver;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.OrdinalIgnoreCase);

    public SafeImageFetcher(ImageFetcherOptions options, ILogger<SafeImageFetcher>? logger = null, IHostResolver? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _allowedPorts = options.AllowedPorts.ToFrozenSet();
        _resolver = resolver ?? SystemHostResolver.Instance;
        _logger = logger ?? NullLogger<SafeImageFetcher>.Instance;
        if (options.AllowLoopback)
        {
            _logger.LogWarning("Image fetching may connect to loopback addresses (AllowLoopback). This is for tests only.");
        }

        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectToVettedAddressAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<FetchedImage> FetchAsync(Uri url, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_options.Timeout);
        var token = deadline.Token;
        try
        {
            var current = url;
            for (var redirects = 0; ; redirects++)
            {
                CheckUrl(current);
                using var response = await SendAsync(current, token);
                if (IsRedirect(response.StatusCode))
                {
                    if (redirects == _options.MaxRedirects)
                    {
                        throw Upstream($"{Describe(url)} redirected more than {_options.MaxRedirects} times.");
                    }

                    var location = response.Headers.Location
                        ?? throw Upstream($"{Describe(current)} answered {(int)response.StatusCode} without a Location.");
                    current = location.IsAbsoluteUri ? location : new Uri(current, location);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw Upstream($"{Describe(current)} answered {(int)response.StatusCode}.");
                }

                var content = await ReadCappedAsync(response, current, token);
                _logger.LogDebug("Fetched {Url}: {Bytes} bytes", Describe(current), content.Length);
                return new FetchedImage(content, current, response.Content.Headers.ContentType?.MediaType);
            }
        }
        catch (Exception e) when (e is not ImageFetchException && deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            var timeout = new ImageFetchException(
                ImageFetchError.Timeout, $"Fetching {Describe(url)} took longer than {_options.Timeout.TotalSeconds:0.###} s.", e);
            _logger.LogWarning("{Reason}", timeout.Message);
            throw timeout;
        }
        catch (ImageFetchException e)
        {
            _logger.LogWarning("Image fetch failed ({Error}): {Reason}", e.Error, e.Message);
            throw;
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// The URL for messages and logs: scheme://host[:port]/path, without user info, query or fragment, escaped (no
    /// control characters) and cut at <see cref="MaxDescribedLength"/> characters, so that a caller's or a peer's
    /// URL of any length is never echoed whole.
    /// </summary>
    internal static string Describe(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            return "(relative URL)";
        }

        var text = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return text.Length <= MaxDescribedLength ? text : string.Concat(text.AsSpan(0, MaxDescribedLength), "…");
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static ImageFetchException NotAllowed(string message) => new(ImageFetchError.UrlNotAllowed, message);

    private static ImageFetchException Upstream(string message, Exception? inner = null) => new(ImageFetchError.UpstreamError, message, inner);

    private static bool IsLocalHostName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    private void CheckUrl(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            throw NotAllowed("Only absolute http and https URLs can be fetched.");
        }

        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            throw NotAllowed("Only http and https URLs can be fetched.");
        }

        if (url.UserInfo.Length > 0)
        {
            throw NotAllowed("URLs with user info (user:password@) cannot be fetched.");
        }

        if (!url.IsDefaultPort && !_allowedPorts.Contains(url.Port))
        {
            throw NotAllowed($"{Describe(url)}: port {url.Port} is not allowed.");
        }

        if (url.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6) || url.IdnHost.Length == 0)
        {
            throw NotAllowed($"{Describe(url)}: the host is not a name or an IP address.");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, CancellationToken token)
    {
        try
        {
            return await PipelineFor(url.IdnHost).ExecuteAsync(
                static (state, t) => state.Fetcher.SendOnceAsync(state.Url, t), (Fetcher: this, Url: url), token);
        }
        catch (BrokenCircuitException e)
        {
            throw Upstream($"{Describe(url)}: the host failed repeatedly; it is not being contacted for now.", e);
        }
        catch (HttpRequestException e) when (!token.IsCancellationRequested)
        {
            throw Upstream($"Could not fetch {Describe(url)} ({e.HttpRequestError}).", e);
        }
    }

    private async ValueTask<HttpResponseMessage> SendOnceAsync(Uri url, CancellationToken token)
    {
        var addresses = await ResolveAndVetAsync(url, token);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Options.Set(VettedAddressesKey, addresses);
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        request.Headers.TryAddWithoutValidation("Accept", "image/*");
        return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
    }

    /// <summary>The host's addresses, each one allowed; IP literals in any form the URL parser accepts are not resolved.</summary>
    private async Task<IPAddress[]> ResolveAndVetAsync(Uri url, CancellationToken token)
    {
        var host = url.IdnHost;
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        var name = host.EndsWith('.') ? host[..^1] : host;
        IPAddress[] addresses;
        if (IPAddress.TryParse(name, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            if (IsLocalHostName(name) && !_options.AllowLoopback)
            {
                throw NotAllowed($"{Describe(url)}: the host is the local machine.");
            }

            try
            {
                addresses = await _resolver.ResolveAsync(host, token);
            }
            catch (Exception e) when (e is SocketException or ArgumentException && !token.IsCancellationRequested)
            {
                throw Upstream($"Could not resolve the host of {Describe(url)}.", e);
            }

            if (addresses.Length == 0)
            {
                throw Upstream($"Could not resolve the host of {Describe(url)}.");
            }
        }

        foreach (var address in addresses)
        {
            if (!IpAddressPolicy.IsAllowed(address, _options.AllowLoopback))
            {
                // The address itself stays out of the message: it would tell callers about internal DNS.
                throw NotAllowed($"{Describe(url)}: the host has a non-public address ({IpAddressPolicy.Classify(address)}).");
            }
        }

        return [.. addresses.Select(IpAddressPolicy.Normalize).Distinct()];
    }

    /// <summary>Connects to an address vetted for the request that asked for this connection; never resolves.</summary>
    private async ValueTask<Stream> ConnectToVettedAddressAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(VettedAddressesKey, out var addresses) || addresses.Length == 0)
        {
            throw new InvalidOperationException("A connection was requested without vetted addresses.");
        }

        var port = context.DnsEndPoint.Port;
        Exception? failure = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(_options.ConnectTimeout);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, port), attempt.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new SocketException((int)SocketError.TimedOut);
                }

                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                failure = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw failure!;
    }

    private async Task<ReadOnlyMemory<byte>> ReadCappedAsync(HttpResponseMessage response, Uri url, CancellationToken token)
    {
        var max = _options.MaxBytes;
        var declared = response.Content.Headers.ContentLength;
        if (declared > max)
        {
            throw new ImageFetchException(ImageFetchError.TooLarge, $"{Describe(url)} is {declared} bytes; the limit is {max}.");
        }

        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(token);
            // Content-Length only refuses early (above); the buffer grows with what actually arrives, so a peer that
            // declares the limit and then stalls holds no more memory than the bytes it sent.
            var buffer = new byte[(int)Math.Min(InitialBufferBytes, max + 1)];
            var total = 0;
            while (total <= max)
            {
                if (total == buffer.Length)
                {
                    Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, max + 1));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(total), token);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            if (total > max)
            {
                throw new ImageFetchException(ImageFetchError.TooLarge, $"{Describe(url)} is larger than the limit of {max} bytes.");
            }

            return buffer.AsMemory(0, total);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !token.IsCancellationRequested)
        {
            throw Upstream($"The response from {Describe(url)} ended early.", e);
        }
    }

    private ResiliencePipeline<HttpResponseMessage> PipelineFor(string host)
    {
        if (_pipelines.TryGetValue(host, out var pipeline))
        {
            return pipeline;
        }

        if (_pipelines.Count >= MaxTrackedHosts)
        {
            _pipelines.Clear();
        }

        return _pipelines.GetOrAdd(host, BuildPipeline);
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(string host)
    {
        static PredicateBuilder<HttpResponseMessage> Transient() => new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .HandleResult(r => IsTransient(r.StatusCode));

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (_options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = Transient(),
                MaxRetryAttempts = _options.Retries,
                Delay = _options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    _logger.LogInformation(
                        "Retrying {Host} in {Delay} ms (attempt {Attempt}): {Reason}",
                        host,
                        (int)args.RetryDelay.TotalMilliseconds,
                        args.AttemptNumber + 1,
                        args.Outcome.Exception?.GetType().Name ?? ((int?)args.Outcome.Result?.StatusCode)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            ShouldHandle = Transient(),
            FailureRatio = 1.0,
            MinimumThroughput = _options.CircuitBreakAfter,
            SamplingDuration = _options.CircuitSamplingDuration,
            BreakDuration = _options.CircuitBreakDuration,
            OnOpened = args =>
            {
                _logger.LogWarning("Not contacting {Host} for {Seconds} s: it failed repeatedly", host, args.BreakDuration.TotalSeconds);
                return default;
            },
        });
        return builder.Build();
    }
}
