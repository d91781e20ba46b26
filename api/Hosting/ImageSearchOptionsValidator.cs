using ImageSearch.Core.Query.Imaging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Api.Hosting;

/// <summary>Start-up checks of <see cref="ImageSearchOptions"/>: every file exists and every limit is sensible.</summary>
public sealed class ImageSearchOptionsValidator(ILogger<ImageSearchOptionsValidator> logger) : IValidateOptions<ImageSearchOptions>
{
    public ValidateOptionsResult Validate(string? name, ImageSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        RequireFile(failures, "ModelPath", options.ModelPath, "the prepared feature model; run ./setup.sh or 'build-index prepare-model'");
        if (options.Store == SearchStoreKind.Postgres)
        {
            failures.AddRange(options.Postgres.Problems());
        }
        else
        {
            RequireFile(failures, "CatalogPath", options.CatalogPath, "the product catalog");
            RequireFile(failures, "IndexPath", options.IndexPath, "the index; build it with 'build-index build'");
        }

        if (options.Store == SearchStoreKind.Embedded && !string.IsNullOrWhiteSpace(options.IndexPath) && File.Exists(options.IndexPath) && !File.Exists(Core.Query.Index.IndexMetadata.PathFor(options.IndexPath)))
        {
            failures.Add($"ImageSearch:IndexPath: the index metadata {Path.GetFullPath(Core.Query.Index.IndexMetadata.PathFor(options.IndexPath))} does not exist; rebuild the index with 'build-index build'.");
        }

        if (options.MaxUploadBytes is < 1 or > int.MaxValue - (1024 * 1024))
        {
            failures.Add($"ImageSearch:MaxUploadBytes must be between 1 and {int.MaxValue - (1024 * 1024)}; it is {options.MaxUploadBytes}.");
        }

        if (options.MaxPixels < 1)
        {
            failures.Add($"ImageSearch:MaxPixels must be positive; it is {options.MaxPixels}.");
        }

        try
        {
            _ = PreprocessingOptions.FromName(options.Preprocessing);
        }
        catch (ArgumentException e)
        {
            failures.Add($"ImageSearch:Preprocessing: {e.Message}");
        }

        if (options.Fetching is null)
        {
            failures.Add("ImageSearch:Fetching is missing.");
        }
        else if (options.Fetching.Timeout <= TimeSpan.Zero || options.Fetching.MaxBytes < 1)
        {
            failures.Add("ImageSearch:Fetching: Timeout and MaxBytes must be positive.");
        }

        ValidateProtection(failures, options);
        ValidateProxiesAndRoots(failures, options);
        if (failures.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        // Logged here, while the host is alive: the exception that stops the start may only reach a console.
        logger.LogCritical("ImageSearch cannot start: {Reasons}", string.Join(" ", failures));
        return ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateProtection(List<string> failures, ImageSearchOptions options)
    {
        if (options.Reload is null || options.Reload.Debounce < TimeSpan.Zero || options.Reload.PollInterval < TimeSpan.Zero)
        {
            failures.Add("ImageSearch:Reload: Debounce and PollInterval must not be negative (a PollInterval of 0 turns the periodic check off).");
        }

        if (options.Concurrency is null || options.Concurrency.MaxConcurrentEmbeddings < 0 || options.Concurrency.QueueLength < -1
            || options.Concurrency.RetryAfter < TimeSpan.Zero || options.Concurrency.MaxConcurrentFetches < 1)
        {
            failures.Add("ImageSearch:Concurrency: MaxConcurrentEmbeddings must be ≥ 0 (0: one per processor), QueueLength ≥ -1 (-1: eight per slot), RetryAfter ≥ 0, MaxConcurrentFetches ≥ 1.");
        }

        if (options.RateLimit is null || (options.RateLimit.Enabled && (options.RateLimit.PermitLimit < 1 || options.RateLimit.ImagePermitLimit < 1 || options.RateLimit.Window <= TimeSpan.Zero)))
        {
            failures.Add("ImageSearch:RateLimit: PermitLimit and ImagePermitLimit must be positive and Window longer than zero (or set Enabled to false).");
        }

        foreach (var origin in options.Cors?.AllowedOrigins ?? [])
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                failures.Add($"ImageSearch:Cors:AllowedOrigins: '{origin}' is not an origin such as https://shop.example.com (scheme, host and port only).");
            }
        }
    }

    private static void ValidateProxiesAndRoots(List<string> failures, ImageSearchOptions options)
    {
        var forwarded = options.ForwardedHeaders ?? new ForwardedHeadersSettings();
        foreach (var proxy in forwarded.KnownProxies ?? [])
        {
            if (!System.Net.IPAddress.TryParse(proxy, out _))
            {
                failures.Add($"ImageSearch:ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address such as 10.0.0.5 or fd00::5.");
            }
        }

        foreach (var network in forwarded.KnownNetworks ?? [])
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
            {
                failures.Add($"ImageSearch:ForwardedHeaders:KnownNetworks: '{network}' is not a network in CIDR notation such as 172.16.0.0/12 (the address bits beyond the prefix must be 0).");
            }
        }

        if (forwarded.ForwardLimit < 1)
        {
            failures.Add("ImageSearch:ForwardedHeaders:ForwardLimit must be at least 1 (the proxies in front of the API).");
        }

        foreach (var root in options.ImageRoots ?? [])
        {
            if (string.IsNullOrWhiteSpace(root) || !Directory.Exists(root))
            {
                failures.Add($"ImageSearch:ImageRoots: '{root}' is not an existing folder.");
            }
        }

        var telemetry = options.Telemetry ?? new Diagnostics.TelemetrySettings();
        if (string.IsNullOrEmpty(telemetry.PrometheusPath) || !telemetry.PrometheusPath.StartsWith('/'))
        {
            failures.Add($"ImageSearch:Telemetry:PrometheusPath must start with '/'; it is '{telemetry.PrometheusPath}'.");
        }

        if (telemetry.PrometheusPort is < 1 or > 65535)
        {
            failures.Add($"ImageSearch:Telemetry:PrometheusPort must be a port from 1 to 65535; it is {telemetry.PrometheusPort}.");
        }

        if (!string.IsNullOrWhiteSpace(telemetry.OtlpEndpoint) && !Uri.TryCreate(telemetry.OtlpEndpoint, UriKind.Absolute, out _))
        {
            failures.Add($"ImageSearch:Telemetry:OtlpEndpoint: '{telemetry.OtlpEndpoint}' is not an absolute URL such as http://otel-collector:4317.");
        }

        if (telemetry.OtlpProtocol is not ("Grpc" or "HttpProtobuf"))
        {
            failures.Add($"ImageSearch:Telemetry:OtlpProtocol must be Grpc or HttpProtobuf; it is '{telemetry.OtlpProtocol}'.");
        }
    }

    private static void RequireFile(List<string> failures, string setting, string? path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"ImageSearch:{setting} is empty; it names {what}.");
        }
        else if (!File.Exists(path))
        {
            failures.Add($"ImageSearch:{setting}: {Path.GetFullPath(path)} does not exist ({what}).");
        }
    }
}
