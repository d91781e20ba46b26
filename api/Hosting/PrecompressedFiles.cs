using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// Serves the compressed copies the web build writes beside its large assets (<c>name.br</c>, <c>name.gz</c>) to
/// clients that accept them, with the original's content type: the on-device mode's 14 MB WebAssembly runtime goes
/// out as 2.8 MB of Brotli, compressed once at build time instead of on every download.
/// </summary>
internal sealed class PrecompressedFiles(IFileProvider files, IContentTypeProvider contentTypes)
{
    private static readonly (string Encoding, string Extension)[] Encodings = [("br", ".br"), ("gzip", ".gz")];

    /// <summary>Answers the request from a compressed copy when there is one the client accepts; false otherwise.</summary>
    public async Task<bool> TryServeAsync(HttpContext context)
    {
        var request = context.Request;
        if (context.GetEndpoint() is not null || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || !request.Path.StartsWithSegments("/assets", StringComparison.Ordinal)
            || !contentTypes.TryGetContentType(request.Path.Value!, out var contentType))
        {
            return false;
        }

        var accepted = request.GetTypedHeaders().AcceptEncoding;
        foreach (var (encoding, extension) in Encodings)
        {
            if (!accepted.Any(a => a.Value.Equals(encoding, StringComparison.OrdinalIgnoreCase) && a.Quality is not 0))
            {
                continue;
            }

            var file = files.GetFileInfo(request.Path.Value + extension);
            if (!file.Exists || file.IsDirectory)
            {
                continue;
            }

            var response = context.Response;
            response.ContentType = contentType;
            response.ContentLength = file.Length;
            response.Headers.ContentEncoding = encoding;
            response.Headers.Vary = HeaderNames.AcceptEncoding;
            response.Headers.CacheControl = WebPageHosting.ImmutableCacheControl;
            if (HttpMethods.IsGet(request.Method))
            {
                await response.SendFileAsync(file, context.RequestAborted);
            }

            return true;
        }

        return false;
    }
}
