using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Core.Build.Learning;

/// <summary>
/// What a metric head learns from: embeddings (L2-normalised) with a label each. Catalog rows are both
/// anchors and what anchors are matched against; the other rows (labelled query photos a shop supplies) are anchors only,
/// so the head learns to bring photos of that kind to their catalog items.
/// </summary>
/// <param name="Labels">Per row: rows with equal labels match; a negative label is unlabelled (a negative for everyone, never an anchor).</param>
/// <param name="IsCatalog">Per row: a catalog item (true) or a labelled query photo (false).</param>
/// <param name="LabelName">What the labels are, for the record: <c>group</c> or <c>category</c>.</param>
/// <param name="ViewOf">
/// Per row, the catalog row it is an augmented view of (an anchor only, like a photo), or −1; null: no views. A view is
/// never chosen for validation, and the views of a catalog item held back for validation are left out of training.
/// </param>
public sealed record MetricTrainingSet(VectorRows Vectors, IReadOnlyList<int> Labels, IReadOnlyList<bool> IsCatalog, string LabelName, IReadOnlyList<int>? ViewOf = null)
{
    public int Count => Labels.Count;

    public int Dimension => Vectors.Dimension;

    /// <summary>Whether row <paramref name="row"/> is an augmented view of a catalog row.</summary>
    public bool IsView(int row) => ViewOf is not null && ViewOf[row] >= 0;

    /// <summary>Labels as small integers from strings (blank or null: unlabelled, −1).</summary>
    public static int[] Encode(IEnumerable<string?> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var ids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        return [.. labels.Select(l => string.IsNullOrWhiteSpace(l) ? -1 : ids.TryGetValue(l, out var id) ? id : ids[l] = ids.Count)];
    }
}
