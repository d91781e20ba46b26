namespace ImageSearch.Core.Query.Imaging;

/// <summary>
/// How a photo becomes the model's input: resize the shorter side (anti-aliased bilinear, as Pillow and torchvision do),
/// centre-crop a square, scale to [0,1] and normalise each channel. The name is stored with an index, so an index is
/// only ever searched with the preprocessing it was built with.
/// </summary>
public sealed record PreprocessingOptions
{
    /// <summary>torchvision's ImageNet evaluation transform, which the ONNX Model Zoo MobileNetV2 expects.</summary>
    public static PreprocessingOptions ImageNet { get; } = new()
    {
        Name = "imagenet-bilinear256-crop224",
        ResizeShortSide = 256,
        CropSize = 224,
        Mean = [0.485f, 0.456f, 0.406f],
        Std = [0.229f, 0.224f, 0.225f],
    };

    /// <summary>The TF-slim / Inception convention, <c>(pixel - 127.5) / 127.5</c>, with the same resize and crop.</summary>
    public static PreprocessingOptions Inception { get; } = ImageNet with
    {
        Name = "inception-bilinear256-crop224",
        Mean = [0.5f, 0.5f, 0.5f],
        Std = [0.5f, 0.5f, 0.5f],
    };

    public required string Name { get; init; }

    public int ResizeShortSide { get; init; } = 256;

    public int CropSize { get; init; } = 224;

    /// <summary>Per-channel (R, G, B) mean, on the [0,1] scale.</summary>
    public required IReadOnlyList<float> Mean { get; init; }

    /// <summary>Per-channel (R, G, B) standard deviation, on the [0,1] scale.</summary>
    public required IReadOnlyList<float> Std { get; init; }

    public static PreprocessingOptions FromName(string name) => name switch
    {
        _ when name == ImageNet.Name => ImageNet,
        _ when name == Inception.Name => Inception,
        _ => throw new ArgumentException($"Unknown preprocessing '{name}'; known: {ImageNet.Name}, {Inception.Name}.", nameof(name)),
    };
}
