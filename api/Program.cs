using ImageSearch.Api.Endpoints;
using ImageSearch.Api.Hosting;
using ImageSearch.Core;
using Microsoft.Extensions.Options;

// Settings files live beside the program; relative paths in the settings resolve against the current directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddImageSearch();

var app = builder.Build();
app.UseImageSearch();
app.MapImageSearchApi();

try
{
    app.Run();
}
catch (Exception e) when (e is OptionsValidationException or ImageSearchStartupException)
{
    // Settings that fail validation, or a model, catalog or index that cannot be used: the message says what to do.
    Console.Error.WriteLine($"ImageSearch cannot start: {e.Message}");
    throw;
}

/// <summary>The host's entry point (public so that integration tests can start it with WebApplicationFactory).</summary>
public partial class Program;
