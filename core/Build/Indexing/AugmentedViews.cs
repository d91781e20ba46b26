using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Core.Build.Indexing;

/// <summary>
/// Embeddings of augmented views of some catalog rows' photos, for the metric head to train on: <see cref="PerRow"/>
/// views of the photo of <c>Rows[0]</c>, then of <c>Rows[1]</c>, and so on, one vector each.
/// </summary>
internal sealed record AugmentedViews(VectorRows Vectors, IReadOnlyList<int> Rows, int PerRow)
{
    public int Count => Rows.Count * PerRow;

    /// <summary>The catalog row that view <paramref name="view"/> shows.</summary>
    public int RowOf(int view) => Rows[view / PerRow];

    /// <summary>
    /// Which rows get views: all of them while their views stay within <paramref name="maxViews"/> (the rows the head's
    /// trainer takes at most), else that many rows' worth, evenly spaced: a large catalog does not embed views the
    /// trainer would sample away.
    /// </summary>
    public static int[] ChooseRows(int rows, int perRow, int maxViews)
    {
        var count = Math.Min(rows, Math.Max(1, maxViews / perRow));
        return [.. Enumerable.Range(0, count).Select(i => (int)((long)i * rows / count))];
    }
}
