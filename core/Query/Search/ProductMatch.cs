using ImageSearch.Core.Catalog;

namespace ImageSearch.Core.Query.Search;

/// <summary>A product found by a search.</summary>
/// <param name="Similarity">The raw cosine similarity of the embeddings (−1…1, 1 for the same picture).</param>
/// <param name="Score">
/// The calibrated score, 0–1: the estimated probability that the result is relevant (<see cref="ScoreCalibration"/>);
/// the clamped cosine for an index without calibration. Non-decreasing in <paramref name="Similarity"/>.
/// </param>
/// <param name="SameProduct">Whether the similarity reaches the index's near-duplicate cut (<see cref="ScoreCalibration.SameProductSimilarity"/>).</param>
public sealed record ProductMatch(Product Product, float Similarity, float Score, bool SameProduct)
{
    /// <summary>A match without calibration: the score is the cosine clamped to 0–1.</summary>
    public ProductMatch(Product product, float similarity)
        : this(product, similarity, Math.Clamp(similarity, 0f, 1f), false)
    {
    }
}
