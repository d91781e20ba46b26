using System.Security.Cryptography;
using ImageSearch.Api.Errors;
using ImageSearch.Api.Hosting;
using ImageSearch.Api.Requests;
using ImageSearch.Core.Query.Imaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ImageSearch.Api.Endpoints;

/// <summary><c>GET /images/{id}</c>: a product's catalog photo, cacheable by its content hash.</summary>
public static class ImageEndpoints
{
    public const string CacheControl = "public, max-age=86400";

    public static RouteGroupBuilder MapImageEndpoints(this RouteGroupBuilder images)
    {
        images.MapGet("/{id}", Get)
            .WithName("GetProductImage")
            .WithSummary("A product's photo from the catalog")
            .WithDescription(
                "The catalog's image file, its content type detected from the bytes. The strong ETag is the SHA-256 of the " +
                "image recorded in the index; If-None-Match answers 304. Products whose image is a remote URL answer 404 " +
                "(use their image_src), as do products the index does not hold and files outside the catalog's folder and the configured " +
                "ImageRoots.")
            .Produces(StatusCodes.Status200OK, null, "image/jpeg", "image/png", "image/webp")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);

        // HEAD answers with GET's headers (Kestrel sends no body), so a cache or a link checker need not download the photo.
        images.MapMethods("/{id}", [HttpMethods.Head], Get).ExcludeFromDescription();
        return images;
    }

    /// <summary>A product's photo from the catalog.</summary>
    /// <param name="context">The request.</param>
    /// <param name="state">The loaded catalog and index.</param>
    /// <param name="options">The settings (the extra image roots).</param>
    /// <param name="id">The product id.</param>
    internal static async Task<PhysicalFileHttpResult> Get(HttpContext context, SearchState state, IOptions<ImageSearchOptions> options, string id)
    {
        id = RouteIds.Decode(context, id);
        var snapshot = state.Snapshot;
        var product = snapshot.Catalog.Find(id) ?? throw ProductEndpoints.UnknownProduct(id);
        var location = snapshot.Catalog.LocateImage(product);
        if (location.IsRemote)
        {
            throw ApiProblemException.NotFound($"Product '{ProductEndpoints.Echo(id)}' has a remote image; load it from its image_src.");
        }

        // Only the images the index was built from, and only from the catalog's folder or a configured root: a
        // catalog row cannot make the service hand out any other file the process can read.
        if (!snapshot.IsIndexed(id))
        {
            throw ApiProblemException.NotFound($"Product '{ProductEndpoints.Echo(id)}' is not in the index (its image could not be used when the index was built).");
        }

        var path = ServablePath(location.FilePath!, AllowedRoots(snapshot.Catalog.Path, options.Value.ImageRoots))
            ?? throw ApiProblemException.NotFound($"The image of product '{ProductEndpoints.Echo(id)}' is not in a folder this service serves images from.");
        if (!File.Exists(path))
        {
            throw ApiProblemException.NotFound($"The image file of product '{ProductEndpoints.Echo(id)}' is missing.");
        }

        var head = new byte[ImageFormatDetector.MinimumLength * 4];
        int read;
        await using (var stream = File.OpenRead(path))
        {
            read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, context.RequestAborted);
        }

        var format = ImageFormatDetector.Detect(head.AsSpan(0, read));
        if (format == ImageFormat.Unknown)
        {
            throw ApiProblemException.NotFound($"The image file of product '{ProductEndpoints.Echo(id)}' is not an image.");
        }

        var sha256 = snapshot.ImageSha256Of(id) ?? await HashAsync(path, context.RequestAborted);
        context.Response.Headers.CacheControl = CacheControl;
        return TypedResults.PhysicalFile(path, ContentType(format), entityTag: new EntityTagHeaderValue($"\"{sha256}\""));
    }

    /// <summary>The catalog's folder and the configured image roots, as full paths ending in a separator.</summary>
    internal static IReadOnlyList<string> AllowedRoots(string catalogPath, IEnumerable<string> imageRoots) =>
        [.. new[] { Path.GetDirectoryName(Path.GetFullPath(catalogPath))! }.Concat(imageRoots.Where(r => !string.IsNullOrWhiteSpace(r)))
            .Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r)) + Path.DirectorySeparatorChar)];

    /// <summary>
    /// The file's full path when it, and the file a link there finally points to, lie under one of the roots; null
    /// otherwise (a <c>../</c> or absolute path out of them, or a link leading out).
    /// </summary>
    internal static string? ServablePath(string file, IReadOnlyList<string> roots)
    {
        var full = Path.GetFullPath(file);
        if (!IsUnder(full, roots))
        {
            return null;
        }

        try
        {
            var target = File.ResolveLinkTarget(full, returnFinalTarget: true);
            return target is null || IsUnder(Path.GetFullPath(target.FullName), roots) ? full : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsUnder(string fullPath, IReadOnlyList<string> roots) =>
        roots.Any(root => fullPath.StartsWith(root, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));

    internal static string ContentType(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.Webp => "image/webp",
        ImageFormat.Gif => "image/gif",
        ImageFormat.Bmp => "image/bmp",
        ImageFormat.Tiff => "image/tiff",
        ImageFormat.Avif => "image/avif",
        ImageFormat.Heic => "image/heic",
        ImageFormat.Ico => "image/x-icon",
        _ => "application/octet-stream",
    };

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }
}
