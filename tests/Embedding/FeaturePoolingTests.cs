using System.Numerics.Tensors;
using ImageSearch.Core.Query.Inference;

namespace ImageSearch.Tests.Embedding;

public sealed class FeaturePoolingTests
{
    private const int Channels = 16;

    [Test]
    public void GeM_with_p_1_equals_average_pooling()
    {
        var map = RandomMap(seed: 1);
        var gem = new float[Channels];
        var average = new float[Channels];

        FeaturePooling.GeM(1).Pool(map, Channels, 7, 7, gem);
        FeaturePooling.Average.Pool(map, Channels, 7, 7, average);

        Assert.That(gem, Is.EqualTo(average).Within(1e-5f));
    }

    [Test]
    public void GeM_lies_between_the_mean_and_the_max_and_grows_with_p()
    {
        var map = RandomMap(seed: 2);
        float[] Pool(float p)
        {
            var v = new float[Channels];
            FeaturePooling.GeM(p).Pool(map, Channels, 7, 7, v);
            return v;
        }

        var (p1, p3, p8) = (Pool(1), Pool(3), Pool(8));
        for (var c = 0; c < Channels; c++)
        {
            var max = TensorPrimitives.Max(map.AsSpan(c * 49, 49));
            Assert.That(p3[c], Is.GreaterThan(p1[c]).And.LessThan(p8[c]));
            Assert.That(p8[c], Is.LessThanOrEqualTo(max + 1e-5f));
        }
    }

    [Test]
    public void Rmac_uses_14_regions_on_a_7x7_map_and_sums_unit_region_vectors()
    {
        Assert.That(FeaturePooling.Regions(7, 7), Has.Count.EqualTo(1 + 4 + 9));
        Assert.That(FeaturePooling.Regions(7, 7).All(r => r.Top + r.Size <= 7 && r.Left + r.Size <= 7), Is.True);

        // A map with the same value everywhere: every region's vector is the same unit vector, so the sum is 14 times it.
        var map = Enumerable.Range(0, Channels).SelectMany(c => Enumerable.Repeat((float)(c + 1), 49)).ToArray();
        var rmac = new float[Channels];
        FeaturePooling.Rmac.Pool(map, Channels, 7, 7, rmac);
        var unit = Enumerable.Range(1, Channels).Select(c => (float)c).ToArray();
        TensorPrimitives.Divide(unit, TensorPrimitives.Norm(unit), unit);
        Assert.That(rmac, Is.EqualTo(unit.Select(u => u * 14)).Within(1e-4f));
    }

    [TestCase("average", "average")]
    [TestCase("avg", "average")]
    [TestCase("gem", "gem-p3")]
    [TestCase("gem-p3", "gem-p3")]
    [TestCase("GeM-p2.5", "gem-p2.5")]
    [TestCase("rmac", "rmac")]
    public void Names_round_trip(string text, string name) =>
        Assert.That(FeaturePooling.Parse(text).Name, Is.EqualTo(name));

    [TestCase("max")]
    [TestCase("gem-p0")]
    [TestCase("gem-p-1")]
    public void Unknown_or_invalid_poolings_are_refused(string text) =>
        Assert.Throws<FormatException>(() => FeaturePooling.Parse(text));

    private static float[] RandomMap(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Channels * 49).Select(_ => (float)(random.NextDouble() * 6)).ToArray();
    }
}
