using System.Reflection;
using ImageSearch.Api;
using ImageSearch.Api.Endpoints;
using ImageSearch.Api.Errors;
using ImageSearch.Api.Hosting;
using ImageSearch.Core.Fetching;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<ImageSearchOptions>()
    .BindConfiguration(ImageSearchOptions.SectionName)
    .ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<ImageSearchOptions>, ImageSearchOptionsValidator>();

// Uploads: the body may hold the image plus the form's framing; the handler refuses a file over MaxUploadBytes.
builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ImageSearchOptions>>(
    (kestrel, options) => kestrel.Limits.MaxRequestBodySize = options.Value.MaxRequestBodyBytes);
builder.Services.AddOptions<FormOptions>().Configure<IOptions<ImageSearchOptions>>(
    (form, options) => form.MultipartBodyLengthLimit = options.Value.MaxRequestBodyBytes);

builder.Services.AddSingleton<SearchState>();
builder.Services.AddSingleton<IImageFetcher>(services => new SafeImageFetcher(
    services.GetRequiredService<IOptions<ImageSearchOptions>>().Value.Fetching,
    services.GetRequiredService<ILogger<SafeImageFetcher>>()));
builder.Services.AddHostedService<SearchStateLoader>();

builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
{
    context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
    context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
});
builder.Services.AddExceptionHandler<ApiExceptionHandler>();

builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen(swagger =>
{
    swagger.SwaggerDoc("v1", new() { Title = "ImageSearch", Version = "v1", Description = "Visual product search: find catalog products that look like a photo." });
    swagger.IncludeXmlComments(Assembly.GetExecutingAssembly());
});

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<RequestLoggingMiddleware>();
app.UseSwagger();
app.UseSwaggerUI();

app.MapHealthEndpoints();
app.MapSearchEndpoints();
app.MapProductEndpoints();
app.MapImageEndpoints();

app.Run();

/// <summary>The host's entry point (public so that integration tests can start it with WebApplicationFactory).</summary>
public partial class Program;
