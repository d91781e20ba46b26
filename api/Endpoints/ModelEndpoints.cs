using ImageSearch.Api.Contracts;
using ImageSearch.Api.Errors;
using ImageSearch.Api.Hosting;
using ImageSearch.Core.Query.Embedding;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ImageSearch.Api.Endpoints;

/// <summary>
/// <c>GET /model</c> and <c>GET /model/feature.onnx</c>: the feature model the service runs and how it preprocesses,
/// for clients that embed photos on their own device and search with <c>POST /search/vector</c>.
/// </summary>
public static class ModelEndpoints
{
    public const string FilePath = "/model/feature.onnx";

    /// <summary>For <c>?sha256=</c> URLs, which name one model for good.</summary>
    public const string ImmutableCacheControl = "public, max-age=31536000, immutable";

    public static RouteGroupBuilder MapModelEndpoints(this RouteGroupBuilder model)
    {
        model.MapGet("/", Describe)
            .WithName("GetModel")
            .WithSummary("The feature model and how to preprocess for it, for on-device embedding")
            .WithDescription(
                "Everything a client needs to compute the same vector the service computes from a photo: the model's URL " +
                "and SHA-256, its input and output, the preprocessing (orientation, alpha, resize, crop, mean and std, " +
                "layout), the pooling, the normalisation and the dimension POST /search/vector takes.")
            .Produces<ModelResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        model.MapGet("/feature.onnx", Download)
            .WithName("GetModelFile")
            .WithSummary("The ONNX feature model the service runs")
            .WithDescription(
                "The prepared model file, byte for byte. Its strong ETag is its SHA-256 (If-None-Match answers 304). With " +
                "'sha256' (the URL GET /model gives) the answer may be cached for good; a 'sha256' that is not the running " +
                "model's answers 404.")
            .Produces(StatusCodes.Status200OK, null, "application/octet-stream")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // HEAD answers with GET's headers (Kestrel sends no body): a client checks its cached model without downloading it.
        model.MapMethods("/feature.onnx", [HttpMethods.Head], Download).ExcludeFromDescription();
        return model;
    }

    /// <summary>The feature model and how to preprocess for it.</summary>
    /// <param name="context">The request.</param>
    /// <param name="state">The loaded model.</param>
    /// <param name="model">The model's file.</param>
    /// <param name="options">The service's settings (the pixel limit).</param>
    internal static async Task<Ok<ModelResponse>> Describe(HttpContext context, SearchState state, ServedModel model, IOptions<ImageSearchOptions> options)
    {
        var embedder = state.Embedder;
        var file = await model.GetAsync(embedder, context.RequestAborted);
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Ok(Description(embedder, file, options.Value.MaxPixels));
    }

    /// <summary>The ONNX feature model the service runs.</summary>
    /// <param name="context">The request.</param>
    /// <param name="state">The loaded model.</param>
    /// <param name="model">The model's file.</param>
    /// <param name="sha256">The SHA-256 the caller expects (from GET /model); makes the answer cacheable for good.</param>
    internal static async Task<FileContentHttpResult> Download(
        HttpContext context,
        SearchState state,
        ServedModel model,
        [FromQuery(Name = "sha256")] string? sha256)
    {
        var file = await model.GetAsync(state.Embedder, context.RequestAborted);
        if (sha256 is not null && !string.Equals(sha256, file.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw ApiProblemException.NotFound(
                $"The service no longer runs the model with SHA-256 '{(sha256.Length <= 64 ? sha256 : sha256[..64] + "…")}'; GET /model for the current one.");
        }

        context.Response.Headers.CacheControl = sha256 is null ? "no-cache" : ImmutableCacheControl;
        return TypedResults.File(file.Bytes, "application/octet-stream", entityTag: new EntityTagHeaderValue($"\"{file.Sha256}\""));
    }

    internal static ModelResponse Description(ImageEmbedder embedder, ModelFile file, long maxPixels)
    {
        var extractor = embedder.Extractor;
        var options = embedder.Preprocessor.Tensorizer.Options;
        var (height, width) = extractor.InputSize;
        var output = extractor.OutputsFeatureMap
            ? new ModelOutput("float32", "feature_map", [1, extractor.Dimension, extractor.MapSize.Height, extractor.MapSize.Width])
            : new ModelOutput("float32", "pooled", [1, extractor.Dimension]);
        return new ModelResponse(
            file.Sha256,
            $"{FilePath}?sha256={file.Sha256}",
            file.Bytes.LongLength,
            new ModelTensor("float32", "NCHW", [1, 3, height, width]),
            output,
            new ModelPreprocessing(
                options.Name,
                Orientation: "exif",
                Alpha: "white",
                options.ResizeShortSide,
                ResizeFilter: "bilinear-antialiased",
                Crop: "center",
                options.CropSize,
                ChannelOrder: "RGB",
                Scale: 1.0 / 255,
                options.Mean,
                options.Std,
                embedder.Preprocessor.DecodeOptions.MinShortSide),
            embedder.Identity.Pooling,
            Normalization: "l2",
            embedder.Dimension,
            maxPixels,
            VectorSearchEndpoints.Path);
    }
}
