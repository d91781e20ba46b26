using System.Reflection;
using ImageSearch.Api.Diagnostics;
using ImageSearch.Api.Endpoints;
using ImageSearch.Api.Errors;
using ImageSearch.Api.Requests;
using ImageSearch.Core.Fetching;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// The service, put together: <c>builder.AddImageSearch()</c> registers everything it needs and
/// <c>app.UseImageSearch()</c> builds the request pipeline; the endpoints are <c>app.MapImageSearchApi()</c>.
/// </summary>
public static class ImageSearchServices
{
    /// <summary>
    /// The settings (validated at start-up), the server's limits, the loaded model and index, the operations
    /// (limits, rate limit, reload, proxies, CORS), telemetry, problem details and the OpenAPI description.
    /// </summary>
    public static WebApplicationBuilder AddImageSearch(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ImageSearchOptions>()
            .BindConfiguration(ImageSearchOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImageSearchOptions>, ImageSearchOptionsValidator>();

        // Uploads: the body may hold the image plus the form's framing; the handler refuses a file over MaxUploadBytes.
        // Read from configuration (not IOptions) so that the server is built before the settings are validated at start.
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>(
            (kestrel, configuration) => kestrel.Limits.MaxRequestBodySize = Settings(configuration).MaxRequestBodyBytes);
        services.AddOptions<FormOptions>().Configure<IConfiguration>(
            (form, configuration) => QueryForm.Configure(form, Settings(configuration)));

        // No Server header: it tells an attacker which server to look up vulnerabilities for, and clients need it for nothing.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        services.AddSingleton<SearchState>();
        services.AddSingleton<ServedModel>();
        services.AddSingleton<IImageFetcher>(provider => new SafeImageFetcher(
            provider.GetRequiredService<IOptions<ImageSearchOptions>>().Value.Fetching,
            provider.GetRequiredService<ILogger<SafeImageFetcher>>()));
        services.AddSearchStore(builder.Configuration);
        services.AddImageSearchOperations();
        services.AddImageSearchTelemetry(builder.Configuration);
        services.AddImageSearchProblemDetails();

        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new() { Title = "ImageSearch", Version = "v1", Description = "Visual product search: find catalog products that look like a photo." });
            swagger.IncludeXmlComments(Assembly.GetExecutingAssembly());
        });
        return builder;
    }

    /// <summary>
    /// The pipeline, in order: the client's address from trusted proxies, the request log, the security headers,
    /// problem details for exceptions and bare status codes, CORS and the rate limit, Swagger (unless turned off)
    /// and the web page.
    /// </summary>
    public static WebApplication UseImageSearch(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseTrustedForwardedHeaders();
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseImageSearchOperations();
        if (app.Configuration.GetValue($"{ImageSearchOptions.SectionName}:Swagger:Enabled", defaultValue: true))
        {
            app.UseSwagger();
            app.UseSwaggerUI();
        }

        app.UseWebPage();
        return app;
    }

    /// <summary>
    /// RFC 9457 problem details for every error: the exception handler's, the rate limit's and the bare status codes'.
    /// Each names the request (<c>instance</c>, <c>traceId</c>, <c>requestId</c>).
    /// </summary>
    private static IServiceCollection AddImageSearchProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType)
            {
                // Routing refuses bodies of another type before the endpoint runs (it sets no detail).
                context.ProblemDetails.Detail ??= context.HttpContext.Request.Path.StartsWithSegments(VectorSearchEndpoints.Path, StringComparison.OrdinalIgnoreCase)
                    ? VectorSearchEndpoints.ExpectedBody
                    : "POST /search takes multipart/form-data with a 'file' upload or an 'image_url' field.";
            }

            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
            context.ProblemDetails.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
        });
        return services.AddExceptionHandler<ApiExceptionHandler>();
    }

    private static ImageSearchOptions Settings(IConfiguration configuration) =>
        configuration.GetSection(ImageSearchOptions.SectionName).Get<ImageSearchOptions>() ?? new ImageSearchOptions();
}
