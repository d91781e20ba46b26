using System.Reflection;
using ImageSearch.Api;
using ImageSearch.Api.Diagnostics;
using ImageSearch.Api.Endpoints;
using ImageSearch.Api.Errors;
using ImageSearch.Api.Hosting;
using ImageSearch.Api.Requests;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Fetching;
using ImageSearch.Core.Query.Index;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

// Settings files live beside the program; relative paths in the settings resolve against the current directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.Services.AddOptions<ImageSearchOptions>()
    .BindConfiguration(ImageSearchOptions.SectionName)
    .ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<ImageSearchOptions>, ImageSearchOptionsValidator>();

// Uploads: the body may hold the image plus the form's framing; the handler refuses a file over MaxUploadBytes.
// Read from configuration (not IOptions) so that the server is built before the settings are validated at start.
builder.Services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>(
    (kestrel, configuration) => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes(configuration));
builder.Services.AddOptions<FormOptions>().Configure<IConfiguration>(
    (form, configuration) => QueryForm.Configure(form, Settings(configuration)));

// No Server header: it tells an attacker which server to look up vulnerabilities for, and clients need it for nothing.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

builder.Services.AddSingleton<SearchState>();
builder.Services.AddSingleton<ServedModel>();
builder.Services.AddSingleton<IImageFetcher>(services => new SafeImageFetcher(
    services.GetRequiredService<IOptions<ImageSearchOptions>>().Value.Fetching,
    services.GetRequiredService<ILogger<SafeImageFetcher>>()));
builder.Services.AddHostedService<SearchStateLoader>();
builder.Services.AddImageSearchOperations();
builder.Services.AddImageSearchTelemetry(builder.Configuration);

builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
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
builder.Services.AddExceptionHandler<ApiExceptionHandler>();

builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen(swagger =>
{
    swagger.SwaggerDoc("v1", new() { Title = "ImageSearch", Version = "v1", Description = "Visual product search: find catalog products that look like a photo." });
    swagger.IncludeXmlComments(Assembly.GetExecutingAssembly());
});

var app = builder.Build();

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

app.MapHealthEndpoints();
app.MapSearchEndpoints();
app.MapVectorSearchEndpoints();
app.MapModelEndpoints();
app.MapProductEndpoints();
app.MapImageEndpoints();
app.MapImageSearchMetrics();

try
{
    app.Run();
}
catch (Exception e) when (e is OptionsValidationException or IndexFormatException or CatalogFormatException or FileNotFoundException)
{
    // A start-up problem with the settings, the model, the catalog or the index: its message says what to do.
    Console.Error.WriteLine($"ImageSearch cannot start: {e.Message}");
    throw;
}

static long MaxRequestBodyBytes(IConfiguration configuration) => Settings(configuration).MaxRequestBodyBytes;

static ImageSearchOptions Settings(IConfiguration configuration) =>
    configuration.GetSection(ImageSearchOptions.SectionName).Get<ImageSearchOptions>() ?? new ImageSearchOptions();

/// <summary>The host's entry point (public so that integration tests can start it with WebApplicationFactory).</summary>
public partial class Program;
