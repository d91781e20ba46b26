using System.Text.Json;
using System.Text.Json.Serialization;
using ImageSearch.Core.Query.Embedding;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// <c>index.csv.meta.json</c>: what an index was built from and with. A reader refuses an index whose model,
/// preprocessing or dimension differ from its own embedder's, or whose rows do not match this description.
/// </summary>
public sealed record IndexMetadata
{
    public const string CurrentFormat = "imagesearch-index";
    public const int CurrentVersion = 1;

    public string Format { get; init; } = CurrentFormat;

    public int Version { get; init; } = CurrentVersion;

    public required string ModelSha256 { get; init; }

    public required string Preprocessing { get; init; }

    public required int Dimension { get; init; }

    /// <summary>How feature maps were pooled (<see cref="FeaturePooling.Name"/>); <c>average</c> in indexes from before it was recorded.</summary>
    public string Pooling { get; init; } = "average";

    public required int RowCount { get; init; }

    public required string CatalogSha256 { get; init; }

    /// <summary>The catalog file, relative to the index's folder when it is below it.</summary>
    public required string CatalogPath { get; init; }

    public required DateTimeOffset BuiltAt { get; init; }

    public double BuildSeconds { get; init; }

    /// <summary>Length of index.csv in bytes: a cheap check that the two files belong together.</summary>
    public required long IndexBytes { get; init; }

    /// <summary>Product id → SHA-256 of its image bytes, in index order; lets a rebuild reuse unchanged rows.</summary>
    public required IReadOnlyDictionary<string, string> ImageSha256 { get; init; }

    /// <summary>
    /// The map from cosine to calibrated score fitted on this catalog at build time (see docs/quality.md); absent in
    /// indexes from before it existed or built with <c>--no-calibration</c>, which search with the clamped cosine.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScoreCalibration? ScoreCalibration { get; init; }

    /// <summary>Length of index.bin, the binary form written beside index.csv; absent in indexes from before it existed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? BinaryBytes { get; init; }

    /// <summary>index.bin's header checksum (CRC-32C, hex): ties the binary to this build exactly.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BinaryChecksum { get; init; }

    /// <summary>recall@10 of the compact search against exact search, measured by the build on the catalog's own products; absent without compact codes.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? CompactRecallAt10 { get; init; }

    /// <summary>
    /// The learned metric head (see docs/quality.md), applied to the stored vectors and to every query before the
    /// search; absent when none was trained, and then vectors are searched as the embedder makes them.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LinearProjection? Projection { get; init; }

    /// <summary>
    /// What the metric head and the score calibration were fitted on, for the next incremental build's retrain rule
    /// (which decides whether they still fit the catalog); absent in indexes from before it was recorded.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LearningBasis? LearnedFrom { get; init; }

    public static string PathFor(string indexPath) => indexPath + ".meta.json";

    public static IndexMetadata Read(string indexPath)
    {
        var path = PathFor(indexPath);
        if (!File.Exists(path))
        {
            throw new IndexFormatException($"{path} is missing: an index is only used with its metadata. Rebuild it with 'build-index build'.");
        }

        try
        {
            var metadata = JsonSerializer.Deserialize(File.ReadAllBytes(path), IndexJsonContext.Default.IndexMetadata)
                ?? throw new IndexFormatException($"{path} is empty.");
            if (metadata.Format != CurrentFormat || metadata.Version != CurrentVersion)
            {
                throw new IndexFormatException($"{path}: format {metadata.Format} v{metadata.Version} is not {CurrentFormat} v{CurrentVersion}; rebuild the index.");
            }

            if (metadata.Projection is { } projection
                && (projection.Problem() ?? (projection.InputDimension != metadata.Dimension ? $"the projection takes {projection.InputDimension}-d vectors, not {metadata.Dimension}-d" : null)) is { } problem)
            {
                throw new IndexFormatException($"{path}: {problem}; rebuild the index.");
            }

            return metadata;
        }
        catch (JsonException e)
        {
            throw new IndexFormatException($"{path} is not valid index metadata: {e.Message}", e);
        }
    }

    /// <summary>Throws <see cref="IndexMismatchException"/> unless vectors made by <paramref name="embedder"/> can be compared with this index.</summary>
    public void EnsureCompatibleWith(EmbedderIdentity embedder, string indexPath)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        if (!string.Equals(ModelSha256, embedder.ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new IndexMismatchException(
                $"{indexPath} was built with model {ModelSha256[..12]}…, but the service runs model {embedder.ModelSha256[..12]}…; rebuild the index with this model.");
        }

        if (Dimension != embedder.Dimension)
        {
            throw new IndexMismatchException($"{indexPath} holds {Dimension}-d vectors, but the model makes {embedder.Dimension}-d ones; rebuild the index.");
        }

        if (Pooling != embedder.Pooling)
        {
            throw new IndexMismatchException($"{indexPath} was built with '{Pooling}' pooling, but the service uses '{embedder.Pooling}'; rebuild the index.");
        }

        if (Preprocessing != embedder.Preprocessing)
        {
            throw new IndexMismatchException($"{indexPath} was built with preprocessing '{Preprocessing}', but the service uses '{embedder.Preprocessing}'; rebuild the index.");
        }
    }

    internal byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, IndexJsonContext.Default.IndexMetadata);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(IndexMetadata))]
internal sealed partial class IndexJsonContext : JsonSerializerContext;
