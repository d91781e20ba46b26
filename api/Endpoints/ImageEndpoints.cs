using System.Security.Cryptography;
using ImageSearch.Api.Errors;
using ImageSearch.Api.Hosting;
using ImageSearch.Core.Imaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace ImageSearch.Api.Endpoints;

/// <summary><c>GET /images/{id}</c>: a product's catalog photo, cacheable by its content hash.</summary>
public static class ImageEndpoints
{
    public const string CacheControl = "public, max-age=86400";

    public static IEndpointRouteBuilder MapImageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/images/{id}", Get)
            .WithName("GetProductImage")
            .WithTags("Products")
            .WithSummary("A product's photo from the catalog")
            .WithDescription(
                "The catalog's image file, its content type detected from the bytes. The strong ETag is the SHA-256 of the " +
                "image recorded in the index; If-None-Match answers 304. Products whose image is a remote URL answer 404 " +
                "(use their image_src).")
            .Produces(StatusCodes.Status200OK, null, "image/jpeg", "image/png", "image/webp")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);

        // HEAD answers with GET's headers (Kestrel sends no body), so a cache or a link checker need not download the photo.
        app.MapMethods("/images/{id}", [HttpMethods.Head], Get).ExcludeFromDescription();
        return app;
    }

    /// <summary>A product's photo from the catalog.</summary>
    /// <param name="context">The request.</param>
    /// <param name="state">The loaded catalog and index.</param>
    /// <param name="id">The product id.</param>
    internal static async Task<PhysicalFileHttpResult> Get(HttpContext context, SearchState state, string id)
    {
        var snapshot = state.Snapshot;
        var product = snapshot.Catalog.Find(id) ?? throw ProductEndpoints.UnknownProduct(id);
        var location = snapshot.Catalog.LocateImage(product);
        if (location.IsRemote)
        {
            throw ApiProblemException.NotFound($"Product '{id}' has a remote image; load it from its image_src.");
        }

        var path = location.FilePath!;
        if (!File.Exists(path))
        {
            throw ApiProblemException.NotFound($"The image file of product '{id}' is missing.");
        }

        var head = new byte[ImageFormatDetector.MinimumLength * 4];
        int read;
        await using (var stream = File.OpenRead(path))
        {
            read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, context.RequestAborted);
        }

        var sha256 = snapshot.ImageSha256Of(id) ?? await HashAsync(path, context.RequestAborted);
        context.Response.Headers.CacheControl = CacheControl;
        return TypedResults.PhysicalFile(path, ContentType(ImageFormatDetector.Detect(head.AsSpan(0, read))), entityTag: new EntityTagHeaderValue($"\"{sha256}\""));
    }

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
