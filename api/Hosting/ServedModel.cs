using System.Security.Cryptography;
using ImageSearch.Api.Errors;
using ImageSearch.Core.Query.Embedding;

namespace ImageSearch.Api.Hosting;

/// <summary>The bytes of a model file, checked to be the model the service loaded.</summary>
public sealed record ModelFile(byte[] Bytes, string Sha256);

/// <summary>
/// The feature model's file for clients that embed on their own device (<c>GET /model/feature.onnx</c>). Read once,
/// on first use, and served from memory only when its SHA-256 is the one the running model was loaded with: a file
/// replaced on disk since start-up is never served as if it were the model behind the index.
/// </summary>
public sealed class ServedModel(ILogger<ServedModel> logger) : IDisposable
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private ModelFile? _file;

    /// <summary>The running model's file; a 503 <see cref="ApiProblemException"/> when the file on disk is no longer it.</summary>
    public async ValueTask<ModelFile> GetAsync(ImageEmbedder embedder, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var expected = embedder.Identity.ModelSha256;
        if (Volatile.Read(ref _file) is { } cached && cached.Sha256 == expected)
        {
            return cached;
        }

        await _loading.WaitAsync(ct);
        try
        {
            if (_file is { } loaded && loaded.Sha256 == expected)
            {
                return loaded;
            }

            var path = embedder.Extractor.ModelPath;
            var bytes = await File.ReadAllBytesAsync(path, ct);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (sha256 != expected)
            {
                logger.LogWarning(
                    "Not serving the model {ModelPath}: its SHA-256 is {Actual}, but the running model was loaded as {Expected}; restart the service to serve the new file",
                    path, sha256[..12], expected[..12]);
                throw new ApiProblemException(
                    StatusCodes.Status503ServiceUnavailable,
                    "Model file changed",
                    "The model file changed on disk since the service loaded it, so it is not the model behind the index; on-device search is unavailable until the service restarts.");
            }

            var file = new ModelFile(bytes, sha256);
            Volatile.Write(ref _file, file);
            return file;
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Dispose() => _loading.Dispose();
}
