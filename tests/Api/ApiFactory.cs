using System.Collections.Concurrent;
using ImageSearch.Tests.Embedding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Tests.Api;

/// <summary>
/// The API in memory over the real model and <see cref="ApiTestCatalog"/>, in the Production environment, with
/// settings overridden through configuration (as ImageSearch__... environment variables would). Keeps every log
/// line for assertions.
/// </summary>
internal sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public ApiFactory(IReadOnlyDictionary<string, string?>? settings = null)
    {
        _settings = new Dictionary<string, string?>
        {
            ["ImageSearch:CatalogPath"] = ApiTestCatalog.CatalogPath,
            ["ImageSearch:IndexPath"] = ApiTestCatalog.IndexPath,
            ["ImageSearch:ModelPath"] = ModelZooFixture.PreparedModel,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    /// <summary>A request header that sets the request's remote address in these tests (see <see cref="TestPeerStartupFilter"/>).</summary>
    public const string TestPeerHeader = "X-Test-Peer";

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Settings for the fetcher that let it reach test servers on 127.0.0.1 at these ports, quickly.</summary>
    public static Dictionary<string, string?> LoopbackFetching(TimeSpan timeout, params int[] ports)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ImageSearch:Fetching:AllowLoopback"] = "true",
            ["ImageSearch:Fetching:Timeout"] = timeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["ImageSearch:Fetching:ConnectTimeout"] = "00:00:01",
            ["ImageSearch:Fetching:Retries"] = "0",
            ["ImageSearch:Fetching:CircuitBreakAfter"] = "1000",
        };
        for (var i = 0; i < ports.Length; i++)
        {
            settings[$"ImageSearch:Fetching:AllowedPorts:{i}"] = ports[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        // First of all the start-up filters, so that the peer is set before anything reads it.
        builder.ConfigureServices(services => services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter>(new TestPeerStartupFilter())));
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.Services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs));
        });
    }

    /// <summary>
    /// The in-memory server has no connection: a request's <see cref="TestPeerHeader"/> stands for the address it
    /// comes from (as a socket's remote address would).
    /// </summary>
    private sealed class TestPeerStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(TestPeerHeader, out var peer))
                {
                    context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(peer.ToString());
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>Formats every entry (message and exception) into a queue.</summary>
    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }

    /// <summary>Starts the API with these settings, expects it to fail, and returns every message of the exception chain.</summary>
    public static string StartFails(Dictionary<string, string?> settings)
    {
        using var factory = new ApiFactory(settings);
        try
        {
            using var client = factory.CreateClient();
        }
        catch (Exception e)
        {
            var messages = new List<string>();
            for (var inner = e; inner is not null; inner = inner.InnerException)
            {
                messages.Add(inner.Message);
            }

            // The host may be torn down before the test server reports the start-up exception (it then throws
            // ObjectDisposedException instead), so the service's own log line is part of what it said.
            messages.AddRange(factory.Logs.Where(l => l.Contains("cannot start", StringComparison.Ordinal)));
            return string.Join(" | ", messages);
        }

        Assert.Fail("The API started.");
        return string.Empty;
    }
}
