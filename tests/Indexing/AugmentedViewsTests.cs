using ImageSearch.Core.Build.Indexing;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Tests.Indexing;

public sealed class AugmentedViewsTests
{
    [Test]
    public void Every_row_gets_views_while_they_fit_what_the_trainer_takes()
    {
        Assert.That(AugmentedViews.ChooseRows(rows: 1331, perRow: 8, maxViews: 20_000), Is.EqualTo(Enumerable.Range(0, 1331)));
    }

    [Test]
    public void A_large_catalog_gets_views_for_evenly_spaced_rows_only()
    {
        var rows = AugmentedViews.ChooseRows(rows: 1_000_000, perRow: 8, maxViews: 20_000);

        Assert.That(rows, Has.Length.EqualTo(2_500));
        Assert.That(rows, Is.Ordered.And.Unique);
        Assert.That((rows[0], rows[1], rows[^1]), Is.EqualTo((0, 400, 999_600)));
    }

    [Test]
    public void A_view_belongs_to_the_row_it_was_made_from()
    {
        var views = new AugmentedViews(new VectorRows(new float[6 * 4], 4), [10, 20, 30], PerRow: 2);

        Assert.That(Enumerable.Range(0, views.Count).Select(views.RowOf), Is.EqualTo(new[] { 10, 10, 20, 20, 30, 30 }));
    }
}
