using System.Text.Json.Serialization;

namespace ImageSearch.Api.Contracts;

/// <summary>
/// The feature model the service runs and exactly how it turns a photo into the vector it searches with, so that a
/// client (the web page's on-device mode) can embed a photo itself and send only the vector to <c>POST /search/vector</c>.
/// </summary>
/// <param name="ModelSha256">SHA-256 of the ONNX file: the same model that built the index.</param>
/// <param name="ModelUrl">Where to download it; cacheable for good (the URL names the hash).</param>
/// <param name="ModelBytes">Length of the ONNX file.</param>
/// <param name="Input">The model's one input.</param>
/// <param name="Output">The model's one output.</param>
/// <param name="Preprocessing">How a decoded photo becomes the input tensor.</param>
/// <param name="Pooling">
/// How the output becomes one vector: for a pooled output (<c>output.kind</c> "pooled") the model has done it
/// ("average"); for a feature map the client pools it itself: "average", "gem-pN" or "rmac".
/// </param>
/// <param name="Normalization">"l2": the vector is scaled to unit length (the search endpoint does it again).</param>
/// <param name="Dimension">Length of the vector, which <c>POST /search/vector</c> requires.</param>
/// <param name="MaxPixels">Photos with more pixels are refused by <c>POST /search</c> (422); a client should refuse them too.</param>
/// <param name="SearchUrl">Where to send the vector.</param>
public sealed record ModelResponse(
    [property: JsonPropertyName("model_sha256")] string ModelSha256,
    [property: JsonPropertyName("model_url")] string ModelUrl,
    [property: JsonPropertyName("model_bytes")] long ModelBytes,
    [property: JsonPropertyName("input")] ModelTensor Input,
    [property: JsonPropertyName("output")] ModelOutput Output,
    [property: JsonPropertyName("preprocessing")] ModelPreprocessing Preprocessing,
    [property: JsonPropertyName("pooling")] string Pooling,
    [property: JsonPropertyName("normalization")] string Normalization,
    [property: JsonPropertyName("dimension")] int Dimension,
    [property: JsonPropertyName("max_pixels")] long MaxPixels,
    [property: JsonPropertyName("search_url")] string SearchUrl);

/// <summary>A model input: element type, layout and shape (batch first).</summary>
public sealed record ModelTensor(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("layout")] string Layout,
    [property: JsonPropertyName("shape")] IReadOnlyList<int> Shape);

/// <summary>The model output: "pooled" (<c>[1, dimension]</c>) or "feature_map" (<c>[1, dimension, H, W]</c>, pooled by the client).</summary>
public sealed record ModelOutput(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("shape")] IReadOnlyList<int> Shape);

/// <summary>
/// Photo → tensor: decoded (a JPEG at the smallest of libjpeg-turbo's 1/2, 1/4 and 1/8 DCT scales whose shorter side
/// stays at least <paramref name="JpegMinShortSide"/>, the geometry below still taken from the full size), EXIF
/// orientation applied, alpha composited on white, the shorter side resized to
/// <paramref name="ResizeShortSide"/> with Pillow's anti-aliased bilinear filter (the longer side rounded half to even),
/// a centred <paramref name="CropSize"/> square (its offset rounded half to even), pixel / 255, then (x − mean) / std per
/// RGB channel, laid out as planar NCHW float32.
/// </summary>
public sealed record ModelPreprocessing(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("orientation")] string Orientation,
    [property: JsonPropertyName("alpha")] string Alpha,
    [property: JsonPropertyName("resize_short_side")] int ResizeShortSide,
    [property: JsonPropertyName("resize_filter")] string ResizeFilter,
    [property: JsonPropertyName("crop")] string Crop,
    [property: JsonPropertyName("crop_size")] int CropSize,
    [property: JsonPropertyName("channel_order")] string ChannelOrder,
    [property: JsonPropertyName("scale")] double Scale,
    [property: JsonPropertyName("mean")] IReadOnlyList<float> Mean,
    [property: JsonPropertyName("std")] IReadOnlyList<float> Std,
    [property: JsonPropertyName("jpeg_min_short_side"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? JpegMinShortSide);
