using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Bench;

/// <summary>
/// One top-10 query against an exact float32 index of random unit vectors (1280-d), all cores: the baseline that the
/// compact scan for large catalogs has to beat. Random vectors are fine for speed; recall needs real embeddings.
/// </summary>
public class VectorSearchBenchmarks
{
    private const int Dimension = 1280;
    private VectorIndex _index = null!;
    private float[] _query = [];

    [Params(10_000, 100_000, 1_000_000)]
    public int Products { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var vectors = new float[(long)Products * Dimension];
        for (var row = 0; row < Products; row++)
        {
            var vector = vectors.AsSpan(row * Dimension, Dimension);
            for (var i = 0; i < Dimension; i++)
            {
                vector[i] = (float)(random.NextDouble() - 0.5);
            }

            TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        }

        _index = new VectorIndex(new VectorRows(vectors, Dimension));
        _query = vectors.AsSpan(7 * Dimension, Dimension).ToArray();
    }

    [Benchmark(Description = "exact top-10")]
    public int Search() => _index.Search(_query, 10).Count;

    [Benchmark(Description = "exact top-10, category filter (1 in 17)")]
    public int SearchFiltered() => _index.Search(_query, 10, row => row % 17 == 0).Count;
}
