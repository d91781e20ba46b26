using ImageSearch.Core.Query.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Tests.Embedding;

/// <summary>Our decoding and preprocessing feed the released classifier what it was trained on.</summary>
public sealed class ReleasedModelTests
{
    // The top-1 table of ../shared/models/README.md.
    [TestCase("bird.png", 19, "chickadee")]
    [TestCase("cat.png", 285, "Egyptian cat")]
    [TestCase("cat_progressive.jpg", 285, "Egyptian cat")]
    [TestCase("dragonfly.png", 319, "dragonfly")]
    [TestCase("grace_hopper.png", 457, "bow tie")]
    [TestCase("hot_dog.jpg", 934, "hotdog")]
    [TestCase("missvickie_potato_chips.png", 692, "packet")]
    [TestCase("parrot.jpg", 88, "macaw")]
    [TestCase("parrot.webp", 88, "macaw")]
    [TestCase("owl.jpg", 21, "kite")]
    public void Released_model_top1_class_matches_the_model_card_table(string photo, int expectedClass, string expectedLabel)
    {
        var preprocessor = new ImagePreprocessor(new ImageDecoder(), new ImageTensorizer(PreprocessingOptions.ImageNet));
        var input = new float[preprocessor.TensorLength];
        preprocessor.Preprocess(File.ReadAllBytes(Path.Combine(ModelZooFixture.ImagesFolder, photo)), input);

        using var session = new InferenceSession(ModelZooFixture.ReleasedModel);
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input"], [tensor], ["output"]);
        var logits = outputs[0].GetTensorDataAsSpan<float>();
        var top1 = logits.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(logits));
        var labels = File.ReadAllLines(Path.Combine(TestData.ModelsFolder, "synset.txt"));

        Assert.That(top1, Is.EqualTo(expectedClass), $"got {labels[top1]}");
        Assert.That(labels[top1], Does.Contain(expectedLabel));
    }
}
