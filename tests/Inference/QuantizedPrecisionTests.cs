using System.Numerics.Tensors;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Inference;
using ImageSearch.Tests.Embedding;

namespace ImageSearch.Tests.Inference;

/// <summary>The int8 model's features stay true to the network's on every processor, VNNI or not.</summary>
public sealed class QuantizedPrecisionTests
{
    [TestCase("bird.png")]
    [TestCase("missvickie_potato_chips.png")]
    [TestCase("hot_dog.jpg")]
    public void Default_int8_features_are_within_0_97_cosine_of_the_fp32_network(string photo)
    {
        var bytes = File.ReadAllBytes(Path.Combine(ModelZooFixture.ImagesFolder, photo));
        using var int8 = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel });
        using var fp32 = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.ReferenceFp32Features });

        var cosine = TensorPrimitives.CosineSimilarity(int8.Embed(bytes), fp32.Embed(bytes));

        // The fast u8s8 kernels of a processor without VNNI saturate and fall to 0.82-0.95 on these photos.
        Assert.That(cosine, Is.GreaterThan(0.97f));
    }

    [TestCase(QuantizedPrecision.Precise, true)]
    [TestCase(QuantizedPrecision.Fast, false)]
    public void Explicit_precision_is_honoured_on_x64(QuantizedPrecision precision, bool precise)
    {
        Assert.That(new InferenceOptions { QuantizedPrecision = precision }.UsesPreciseQuantizedKernels, Is.EqualTo(precise && CpuFeatures.IsX64));
    }

    [Test]
    public void Auto_asks_for_precise_kernels_exactly_where_the_processor_lacks_vnni()
    {
        Assert.That(new InferenceOptions().UsesPreciseQuantizedKernels, Is.EqualTo(CpuFeatures.IsX64 && !CpuFeatures.HasVnni));
    }

    [Test]
    public void Precise_kernels_asked_for_explicitly_keep_the_features_true_to_the_fp32_network()
    {
        // A made-up session config key is accepted silently, so the effect is what shows the entry is honoured: on
        // a processor without VNNI the fast kernels fall to 0.82-0.95 cosine on this photo.
        var bytes = File.ReadAllBytes(Path.Combine(ModelZooFixture.ImagesFolder, "missvickie_potato_chips.png"));
        var precise = new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel, Inference = new InferenceOptions { QuantizedPrecision = QuantizedPrecision.Precise } };
        using var int8 = ImageEmbedder.Create(precise);
        using var fp32 = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.ReferenceFp32Features });

        Assert.That(TensorPrimitives.CosineSimilarity(int8.Embed(bytes), fp32.Embed(bytes)), Is.GreaterThan(0.97f));
    }
}
