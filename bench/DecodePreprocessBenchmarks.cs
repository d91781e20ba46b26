using BenchmarkDotNet.Attributes;
using ImageSearch.Core.Imaging;

namespace ImageSearch.Bench;

/// <summary>Bytes → normalised 224x224 tensor, per image: clothing photos (~400 px) and a 12 MP JPEG.</summary>
public class DecodePreprocessBenchmarks
{
    private const int Photos = 64;
    private IReadOnlyList<byte[]> _photos = [];
    private byte[] _large = [];
    private ImagePreprocessor _preprocessor = null!;
    private ImageDecoder _decoder = null!;
    private float[] _tensor = [];

    [GlobalSetup]
    public void Setup()
    {
        _photos = BenchData.ClothingPhotos(Photos);
        _large = SyntheticJpeg.Create(_photos[0], 4000, 3000);
        _decoder = new ImageDecoder();
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

    [Benchmark(Description = "12 MP JPEG: full-size decode + preprocess")]
    public void LargeJpegFullDecode()
    {
        using var image = _decoder.Decode(_large);
        _preprocessor.Tensorizer.Write(image, _tensor);
    }
}
