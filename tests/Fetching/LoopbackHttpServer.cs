using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ImageSearch.Tests.Fetching;

/// <summary>One HTTP/1.1 request as the server saw it.</summary>
internal sealed record LoopbackRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, IPEndPoint LocalEndPoint);

/// <summary>
/// A tiny HTTP/1.1 server on a loopback address for the fetcher tests: one request per connection, the handler
/// writes the raw response (so tests can lie about lengths, stream chunks, stall...). Never listens beyond loopback.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<LoopbackRequest, Stream, CancellationToken, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<LoopbackRequest> _requests = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _acceptLoop;

    public LoopbackHttpServer(Func<LoopbackRequest, Stream, CancellationToken, Task> handler, IPAddress? address = null, int port = 0)
    {
        address ??= IPAddress.Loopback;
        if (!IPAddress.IsLoopback(address))
        {
            throw new ArgumentException("The test server listens on loopback only.", nameof(address));
        }

        _handler = handler;
        _listener = new TcpListener(address, port);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<LoopbackRequest> Requests => [.. _requests];

    public Uri Url(string pathAndQuery = "/") => new($"http://127.0.0.1:{Port}{pathAndQuery}");

    /// <summary>A server that answers every request with <paramref name="body"/>.</summary>
    public static LoopbackHttpServer Serving(byte[] body, string contentType = "image/jpeg") =>
        new((_, stream, ct) => RespondAsync(stream, 200, body, ct, ("Content-Type", contentType)));

    public static async Task RespondAsync(Stream stream, int status, byte[] body, CancellationToken ct, params (string Name, string Value)[] headers)
    {
        await WriteHeadAsync(stream, status, ct, [.. headers, ("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        await stream.WriteAsync(body, ct);
    }

    public static Task RedirectAsync(Stream stream, string location, CancellationToken ct, int status = 302) =>
        RespondAsync(stream, status, [], ct, ("Location", location));

    /// <summary>Status line and headers (plus Connection: close), nothing else.</summary>
    public static async Task WriteHeadAsync(Stream stream, int status, CancellationToken ct, params (string Name, string Value)[] headers)
    {
        var head = new StringBuilder().Append("HTTP/1.1 ").Append(status).Append(" Whatever\r\nConnection: close\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), ct);
        await stream.FlushAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await Task.WhenAll([_acceptLoop, .. _connections]).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream, (IPEndPoint)client.Client.LocalEndPoint!, _stop.Token);
                if (request is null)
                {
                    return;
                }

                _requests.Enqueue(request);
                await _handler(request, stream, _stop.Token);
                await stream.FlushAsync(_stop.Token);
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (as it does on a refused or capped response), or the server stopped.
            }
        }
    }

    private static async Task<LoopbackRequest?> ReadRequestAsync(NetworkStream stream, IPEndPoint local, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        int end;
        while ((end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (length == buffer.Length)
            {
                return null;
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), ct);
            if (read == 0)
            {
                return null;
            }

            length += read;
        }

        var lines = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return new LoopbackRequest(requestLine[0], requestLine[1], headers, local);
    }
}
