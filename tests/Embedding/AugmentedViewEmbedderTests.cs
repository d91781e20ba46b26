using System.Numerics.Tensors;
using ImageSearch.Core.Build.Augmentation;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Tests.Imaging;

namespace ImageSearch.Tests.Embedding;

public sealed class AugmentedViewEmbedderTests
{
    [Test]
    public void Views_are_embedded_the_same_way_every_time_and_differ_from_the_photo_but_stay_near_it()
    {
        using var embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel });
        var views = new AugmentedViewEmbedder(embedder, new ViewAugmenter(new ViewAugmentationOptions()));
        ReadOnlyMemory<byte>[] photos = [ImagingTestData.Photo("parrot.jpg"), ImagingTestData.Photo("hot_dog.jpg")];
        var d = embedder.Dimension;

        var first = views.Embed(photos, views: 3);
        var again = views.Embed(photos, views: 3);

        Assert.That((first.Count, first.Dimension), Is.EqualTo((2 * 3, d)));
        Assert.That(again.Values.ToArray(), Is.EqualTo(first.Values.ToArray()));
        for (var p = 0; p < photos.Length; p++)
        {
            var photo = embedder.Embed(photos[p].Span);
            for (var k = 0; k < 3; k++)
            {
                var view = first.Row((p * 3) + k);
                Assert.That(TensorPrimitives.Norm(view), Is.EqualTo(1f).Within(1e-4f));
                Assert.That(TensorPrimitives.CosineSimilarity(view, photo), Is.LessThan(0.999f).And.GreaterThan(0.4f), $"photo {p}, view {k}");
            }
        }
    }

    [Test]
    public void Views_rendered_at_the_resize_size_embed_as_their_whole_view_would_and_other_sizes_still_embed()
    {
        using var embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel });
        ReadOnlyMemory<byte>[] photos = [ImagingTestData.Photo("owl.jpg")];
        var augmenter = new ViewAugmenter(new ViewAugmentationOptions());
        var fast = new AugmentedViewEmbedder(embedder, augmenter).Embed(photos, views: 4);

        // The same views rendered whole and preprocessed like any photo.
        using var image = embedder.Preprocessor.Decode(photos[0].Span);
        var d = embedder.Dimension;
        var inputs = new float[4 * embedder.Preprocessor.TensorLength];
        for (var k = 0; k < 4; k++)
        {
            using var view = augmenter.Render(image, augmenter.SeedOf(photos[0].Span, k));
            embedder.Preprocessor.Tensorizer.Write(view, inputs.AsSpan(k * embedder.Preprocessor.TensorLength, embedder.Preprocessor.TensorLength));
        }

        var whole = new float[4 * d];
        embedder.Extractor.Extract(inputs, 4, whole);
        Assert.That(fast.Values.ToArray(), Is.EqualTo(whole));

        var larger = new AugmentedViewEmbedder(embedder, new ViewAugmenter(new ViewAugmentationOptions { OutputShortSide = 320 })).Embed(photos, views: 4);
        for (var k = 0; k < 4; k++)
        {
            Assert.That(TensorPrimitives.CosineSimilarity(larger.Row(k), fast.Row(k)), Is.GreaterThan(0.8f), $"view {k} at 320 px is the same view, resized");
        }
    }
}
