using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// Serves the web page (the static build of <c>web/</c>) from the API, so that one command runs both. The folder is
/// <c>ImageSearch:WebRoot</c> (default <c>web/dist</c>, relative to the current directory); when it does not exist
/// nothing is served and the API works alone. API routes always win: the static file middleware leaves requests that
/// matched an endpoint alone.
/// </summary>
public static class WebPageHosting
{
    public const string WebRootKey = "ImageSearch:WebRoot";
    public const string DefaultWebRoot = "web/dist";

    /// <summary>For Vite's assets, whose names carry a hash of their content.</summary>
    public const string ImmutableCacheControl = "public, max-age=31536000, immutable";

    public static WebApplication UseWebPage(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var configured = app.Configuration[WebRootKey];
        var root = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? DefaultWebRoot : configured);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebPageHosting).FullName!);
        if (!Directory.Exists(root))
        {
            logger.LogInformation("No web page: {WebRoot} does not exist (build it with 'npm run build' in web/, or set {Key})", root, WebRootKey);
            return app;
        }

        var files = new PhysicalFileProvider(root);
        var precompressed = new PrecompressedFiles(files, new FileExtensionContentTypeProvider());
        app.Use(async (context, next) =>
        {
            if (!await precompressed.TryServeAsync(context))
            {
                await next(context);
            }
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                // Vite's assets have a content hash in their names; index.html and config.json must be revalidated.
                var hashed = context.Context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal);
                context.Context.Response.Headers[HeaderNames.CacheControl] = hashed ? ImmutableCacheControl : "no-cache";
            },
        });
        logger.LogInformation("Serving the web page from {WebRoot}", root);
        return app;
    }
}
