using ImageSearch.Core.Build.ModelPreparation;

namespace ImageSearch.Tests.Embedding;

/// <summary>The released model from the mirror, prepared once per test run into a temporary folder by our own code.</summary>
internal static class ModelZooFixture
{
    private static readonly Lazy<string> Prepared = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"imagesearch-tests-{Environment.ProcessId}", "mobilenetv2-12-int8.features.onnx");
        FeatureModelPreparer.PrepareFile(ReleasedModel, path);
        return path;
    });

    public static string ReleasedModel => Path.Combine(TestData.ModelsFolder, "mobilenetv2-12-int8.onnx");

    public static string ReferenceFeatures => Path.Combine(TestData.ModelsFolder, "reference", "mobilenetv2-12-int8_features.onnx");

    public static string ReferenceFp32Features => Path.Combine(TestData.ModelsFolder, "reference", "mobilenetv2-12_dequant_features_fp32.onnx");

    public static string ReferenceTfFeatures => Path.Combine(TestData.ModelsFolder, "reference", "mobilenet_v2_1.0_224_tf_features_fp32.onnx");

    /// <summary>Our prepared features model.</summary>
    public static string PreparedModel => Prepared.Value;

    public static string ImagesFolder => Path.Combine(TestData.ModelsFolder, "images");

    /// <summary>Every test photo: name (without extension) and path.</summary>
    public static IEnumerable<TestCaseData> Photos() =>
        Directory.EnumerateFiles(Path.Combine(TestData.ModelsFolder, "images"))
            .Where(p => Path.GetExtension(p) is ".jpg" or ".png" or ".webp")
            .Order(StringComparer.Ordinal)
            .Select(p => new TestCaseData(p).SetArgDisplayNames(Path.GetFileName(p)));

    /// <summary>The Pillow crop of a photo: cat_progressive.jpg and parrot.webp share cat's and parrot's.</summary>
    public static string OracleCropOf(string photo)
    {
        var name = Path.GetFileNameWithoutExtension(photo).Replace("_progressive", string.Empty, StringComparison.Ordinal);
        return Path.Combine(TestData.ModelsFolder, "images", "rgb224", name + ".rgb224");
    }
}
