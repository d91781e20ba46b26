using System.Security.Cryptography;
using System.Text;
using ImageSearch.Core.Catalog;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// What an index's metric head and score calibration were fitted on, as the next incremental build needs it to judge
/// whether they still fit the catalog (the build's retrain rule).
/// </summary>
/// <param name="Rows">Rows of the build that fitted them.</param>
/// <param name="ChangedSince">
/// Rows added, removed, or given another photo or label by the incremental builds that kept them since, summed over
/// those builds (a row changed twice counts twice).
/// </param>
/// <param name="Labels">Per product id as of the latest build, a short fingerprint of its category and group: how the next build sees a relabelled row.</param>
public sealed record LearningBasis(int Rows, int ChangedSince, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>The first 8 hex digits of the SHA-256 of the product's category and group.</summary>
    public static string LabelOf(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{product.Category}\n{product.Group}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 4));
    }
}
