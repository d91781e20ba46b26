namespace ImageSearch.Api.Diagnostics;

/// <summary>Metrics and traces (<c>ImageSearch:Telemetry</c>; docs/operations.md, "Metrics and traces").</summary>
public sealed class TelemetrySettings
{
    /// <summary>Whether <see cref="PrometheusPath"/> answers Prometheus' scrapes; on by default.</summary>
    public bool PrometheusEnabled { get; set; } = true;

    /// <summary>The scrape endpoint's path.</summary>
    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>
    /// When set, the scrape endpoint answers only on this local port (add it to the server's URLs, e.g.
    /// <c>ASPNETCORE_URLS=http://+:8080;http://+:9464</c>), so that a public listener never shows the metrics.
    /// </summary>
    public int? PrometheusPort { get; set; }

    /// <summary>
    /// An OTLP collector (<c>http://otel-collector:4317</c>) to which metrics and traces are pushed; off when empty.
    /// The standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable switches it on too.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>Grpc</c> (port 4317) or <c>HttpProtobuf</c> (port 4318).</summary>
    public string OtlpProtocol { get; set; } = "Grpc";
}
