using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ImageSearch.Api.Diagnostics;

/// <summary>
/// OpenTelemetry for the service: ASP.NET Core's, the runtime's and the service's own metrics (<see cref="SearchTelemetry"/>)
/// on a Prometheus scrape endpoint, and, when an OTLP endpoint is configured, metrics and traces (ASP.NET Core's
/// request spans and the search's fetch, embed, decode, inference and search spans) pushed to it.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>The service name in exported telemetry.</summary>
    public const string ServiceName = "imagesearch-api";

    public static IServiceCollection AddImageSearchTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = Settings(configuration);
        var otlp = string.IsNullOrWhiteSpace(settings.OtlpEndpoint) ? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] : settings.OtlpEndpoint;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(SearchTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(otlp) && Uri.TryCreate(otlp, UriKind.Absolute, out var endpoint))
        {
            // Spans are recorded only when they go somewhere.
            telemetry.WithTracing(tracing => tracing
                .AddSource(SearchTelemetry.Name)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !IsOperationsPath(context, settings)));
            var protocol = string.Equals(settings.OtlpProtocol, nameof(OtlpExportProtocol.HttpProtobuf), StringComparison.OrdinalIgnoreCase)
                ? OtlpExportProtocol.HttpProtobuf
                : OtlpExportProtocol.Grpc;
            telemetry.UseOtlpExporter(protocol, endpoint);
        }

        return services;
    }

    /// <summary>The scrape endpoint, when on; only on <see cref="TelemetrySettings.PrometheusPort"/> when that is set.</summary>
    public static WebApplication MapImageSearchMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = Settings(app.Configuration);
        if (settings.PrometheusEnabled)
        {
            var endpoint = app.MapPrometheusScrapingEndpoint(settings.PrometheusPath).ExcludeFromDescription();
            if (settings.PrometheusPort is { } port)
            {
                endpoint.RequireHost($"*:{port}");
            }
        }

        return app;
    }

    private static TelemetrySettings Settings(IConfiguration configuration) =>
        configuration.GetSection($"{ImageSearchOptions.SectionName}:Telemetry").Get<TelemetrySettings>() ?? new TelemetrySettings();

    private static bool IsOperationsPath(HttpContext context, TelemetrySettings settings) =>
        context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
        || context.Request.Path.StartsWithSegments(settings.PrometheusPath, StringComparison.OrdinalIgnoreCase);
}
