using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Inference;

namespace ImageSearch.Core.Query.Embedding;

/// <summary>Configuration of the embedding engine, bound from configuration by the hosts.</summary>
public sealed class EmbedderOptions
{
    /// <summary>The prepared feature model (see <c>build-index prepare-model</c>).</summary>
    public string ModelPath { get; set; } = "models/mobilenetv2-12-int8.features.onnx";

    /// <summary>Name of a known <see cref="PreprocessingOptions"/>.</summary>
    public string Preprocessing { get; set; } = PreprocessingOptions.ImageNet.Name;

    /// <summary>
    /// How a feature-map model (<c>prepare-model --feature-map</c>) is pooled: <c>average</c>, <c>gem-p3</c>, <c>rmac</c>
    /// (see <see cref="FeaturePooling"/>). A model that pools in its graph only takes <c>average</c>.
    /// </summary>
    public string Pooling { get; set; } = "average";

    /// <summary>Images with more pixels than this are refused before decoding.</summary>
    public long MaxPixels { get; set; } = 40_000_000;

    public InferenceOptions Inference { get; set; } = new();
}
