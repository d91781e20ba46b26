using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Tests.Inference;

/// <summary>The int8 MobileNetV2 feature extractor in the shared models folder, and inputs for it.</summary>
internal static class ReferenceModel
{
    public const string InputName = "input";
    public const string OutputName = "features";
    public const int FeatureLength = 1280;
    public const int ImageElements = 3 * 224 * 224;

    public static string Path => System.IO.Path.Combine(TestData.ModelsFolder, "reference", "mobilenetv2-12-int8_features.onnx");

    /// <summary>Deterministic pseudo-image data (normalized pixel range) for <paramref name="batch"/> images.</summary>
    public static float[] Images(int batch, int seed)
    {
        var random = new Random(seed);
        var data = new float[batch * ImageElements];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() * 4.0) - 2.0);
        }

        return data;
    }

    public static long[] Shape(int batch) => [batch, 3, 224, 224];

    /// <summary>Runs <paramref name="images"/> and copies the features out.</summary>
    public static float[] Features(InferenceSession session, float[] images, int batch)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(images, Shape(batch));
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [InputName], [input], [OutputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
