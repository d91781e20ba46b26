using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Imaging;
using Microsoft.ML.OnnxRuntime;
using System.Numerics.Tensors;

namespace ImageSearch.Tests.Embedding;

public sealed class ImageEmbedderTests
{
    private ImageEmbedder _embedder = null!;

    [OneTimeSetUp]
    public void LoadModel() => _embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel });

    [OneTimeTearDown]
    public void UnloadModel() => _embedder.Dispose();

    [Test]
    public void Embedder_reports_1280_dimensions_and_its_identity()
    {
        Assert.That(_embedder.Dimension, Is.EqualTo(1280));
        Assert.That(_embedder.Identity.Preprocessing, Is.EqualTo(PreprocessingOptions.ImageNet.Name));
        Assert.That(_embedder.Identity.ModelSha256, Has.Length.EqualTo(64));
    }

    [TestCaseSource(typeof(ModelZooFixture), nameof(ModelZooFixture.Photos))]
    public void Embedding_is_a_unit_vector(string photo)
    {
        var vector = _embedder.Embed(File.ReadAllBytes(photo));

        Assert.That(vector, Has.Length.EqualTo(1280));
        Assert.That(TensorPrimitives.Norm(vector), Is.EqualTo(1f).Within(1e-5f));
        Assert.That(vector, Has.All.GreaterThanOrEqualTo(0f), "pooled ReLU6 activations are never negative");
    }

    [TestCaseSource(typeof(ModelZooFixture), nameof(ModelZooFixture.Photos))]
    public void Prepared_model_matches_the_reference_feature_graph(string photo)
    {
        var preprocessor = _embedder.Preprocessor;
        var input = new float[preprocessor.TensorLength];
        preprocessor.Preprocess(File.ReadAllBytes(photo), input);

        var ours = RunFeatures(ModelZooFixture.PreparedModel, input);
        var reference = RunFeatures(ModelZooFixture.ReferenceFeatures, input);

        Assert.That(TensorPrimitives.CosineSimilarity(ours, reference), Is.GreaterThanOrEqualTo(0.9999f));
    }

    [Test]
    public void A_batch_of_eight_gives_the_same_vectors_as_eight_single_calls()
    {
        var photos = ModelZooFixture.Photos().Select(c => (string)c.Arguments[0]!).Take(8).ToList();
        Assert.That(photos, Has.Count.EqualTo(8));
        var bytes = photos.Select(p => (ReadOnlyMemory<byte>)File.ReadAllBytes(p)).ToList();

        var batch = _embedder.EmbedBatch(bytes);

        for (var i = 0; i < bytes.Count; i++)
        {
            var single = _embedder.Embed(bytes[i].Span);
            Assert.That(TensorPrimitives.CosineSimilarity(batch[i], single), Is.GreaterThanOrEqualTo(0.99999f), photos[i]);
        }
    }

    [Test]
    public void Concurrent_callers_get_the_same_vectors()
    {
        var photo = File.ReadAllBytes(Path.Combine(ModelZooFixture.ImagesFolder, "hot_dog.jpg"));
        var expected = _embedder.Embed(photo);

        var results = new float[16][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = _embedder.Embed(photo));

        Assert.That(results, Has.All.EqualTo(expected));
    }

    [Test]
    public void A_batch_with_one_bad_image_reports_that_image()
    {
        var good = (ReadOnlyMemory<byte>)File.ReadAllBytes(Path.Combine(ModelZooFixture.ImagesFolder, "hot_dog.jpg"));
        var bad = (ReadOnlyMemory<byte>)Convert.FromHexString("49492A0008000000000000000000"); // a TIFF header

        var error = Assert.Throws<ImageDecodeException>(() => _embedder.EmbedBatch([good, bad]));

        Assert.That(error!.Error, Is.EqualTo(ImageDecodeError.UnsupportedFormat));
    }

    [Test]
    public void Bytes_that_are_not_an_image_are_refused_with_a_typed_error()
    {
        var error = Assert.Throws<ImageDecodeException>(() => _embedder.Embed("hello, world"u8));

        Assert.That(error!.Error, Is.EqualTo(ImageDecodeError.UnsupportedFormat));
    }

    [Test]
    public void A_missing_model_is_an_error_that_names_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-model.onnx");

        var error = Assert.Throws<FileNotFoundException>(() => ImageEmbedder.Create(new EmbedderOptions { ModelPath = path }));

        Assert.That(error!.Message, Does.Contain(path));
    }

    internal static float[] RunFeatures(string modelPath, float[] input)
    {
        using var session = new InferenceSession(modelPath);
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [session.InputNames[0]], [tensor], [session.OutputNames[0]]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
