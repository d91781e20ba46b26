using BenchmarkDotNet.Attributes;
using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.Bench;

/// <summary>
/// Bytes → normalised 224x224 tensor, per image: clothing photos (~400 px), a 12 MP JPEG and a PNG photo; JPEG
/// decoded by SkiaSharp and by the system libjpeg-turbo side by side in one run.
/// </summary>
public class DecodePreprocessBenchmarks
{
    private const int Photos = 64;
    private IReadOnlyList<byte[]> _photos = [];
    private byte[] _large = [];
    private ImagePreprocessor _preprocessor = null!;
    private ImageDecoder _decoder = null!;
    private float[] _tensor = [];
    private byte[] _png = [];

    /// <summary>Which library decodes JPEG: SkiaSharp's bundled libjpeg-turbo (no SIMD) or the system's (SIMD).</summary>
    [Params("SkiaSharp", "libjpeg-turbo")]
    public string Jpeg { get; set; } = "SkiaSharp";

    [GlobalSetup]
    public void Setup()
    {
        _photos = BenchData.ClothingPhotos(Photos);
        _large = SyntheticJpeg.Create(_photos[0], 4000, 3000);
        _png = BenchData.SharedPhoto("bird.png");
        _decoder = new ImageDecoder(useSystemJpeg: Jpeg == "libjpeg-turbo");
        _preprocessor = new ImagePreprocessor(_decoder, new ImageTensorizer(PreprocessingOptions.ImageNet));
        _tensor = new float[_preprocessor.TensorLength];
        Console.WriteLine($"// 12 MP JPEG: {_large.Length / 1024} KiB; clothing photos: {Photos}, mean {_photos.Average(p => p.Length) / 1024:F0} KiB");
    }

    [Benchmark(OperationsPerInvoke = Photos, Description = "clothing photo: decode + preprocess")]
    public void ClothingPhoto()
    {
        foreach (var photo in _photos)
        {
            _preprocessor.Preprocess(photo, _tensor);
        }
    }

    [Benchmark(OperationsPerInvoke = Photos, Description = "clothing photo: decode only")]
    public void ClothingPhotoDecodeOnly()
    {
        foreach (var photo in _photos)
        {
            using var image = _decoder.Decode(photo);
        }
    }

    [Benchmark(Description = "12 MP JPEG: decode (DCT-scaled) + preprocess")]
    public void LargeJpeg() => _preprocessor.Preprocess(_large, _tensor);

    [Benchmark(Description = "512 px PNG: decode + preprocess (SkiaSharp either way)")]
    public void PngPhoto() => _preprocessor.Preprocess(_png, _tensor);

    [Benchmark(Description = "12 MP JPEG: full-size decode + preprocess")]
    public void LargeJpegFullDecode()
    {
        using var image = _decoder.Decode(_large);
        _preprocessor.Tensorizer.Write(image, _tensor);
    }
}
