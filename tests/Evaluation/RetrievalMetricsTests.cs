using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Catalog;

namespace ImageSearch.Tests.Evaluation;

public sealed class RetrievalMetricsTests
{
    private static readonly Product[] Ranked =
    [
        Item("1", "Shirt", "g1"),
        Item("2", "Blouse", "g2"),
        Item("3", "Shirt", null),
        Item("4", "Shoes", "g4"),
    ];

    [Test]
    public void Category_precision_at_k_is_the_share_of_the_first_k_in_the_query_category()
    {
        Assert.That(RetrievalMetrics.CategoryPrecisionAt(Ranked, 1, "Shirt"), Is.EqualTo(1.0));
        Assert.That(RetrievalMetrics.CategoryPrecisionAt(Ranked, 4, "Shirt"), Is.EqualTo(0.5));
        Assert.That(RetrievalMetrics.CategoryPrecisionAt(Ranked, 4, "shirt"), Is.Zero, "categories compare exactly, as the evaluation always has");
    }

    [Test]
    public void An_answer_shorter_than_k_counts_its_missing_places_as_wrong()
    {
        Assert.That(RetrievalMetrics.CategoryPrecisionAt(Ranked, 8, "Shirt"), Is.EqualTo(0.25));
    }

    [Test]
    public void Merged_categories_count_as_one_named_by_the_first_of_their_set()
    {
        var merge = CategoryMerge.Of([["Shirt", "Blouse", "Top"]]);

        Assert.That(RetrievalMetrics.CategoryPrecisionAt(Ranked, 4, "Top", merge), Is.EqualTo(0.75));
        Assert.That(merge.NameOf("Blouse"), Is.EqualTo("Shirt"));
        Assert.That(merge.NameOf("Shoes"), Is.EqualTo("Shoes"), "a category in no set is its own");
        Assert.That((merge.IsEmpty, CategoryMerge.None.IsEmpty), Is.EqualTo((false, true)));
    }

    [Test]
    public void Group_recall_at_k_is_one_when_the_exact_product_is_among_the_first_k_and_never_for_a_query_without_a_group()
    {
        Assert.That(RetrievalMetrics.GroupRecallAt(Ranked, 1, "g2"), Is.Zero);
        Assert.That(RetrievalMetrics.GroupRecallAt(Ranked, 2, "g2"), Is.EqualTo(1.0));
        Assert.That(RetrievalMetrics.GroupRecallAt(Ranked, 4, null), Is.Zero, "a product without a group is not the match of a query without one");
    }

    [Test]
    public void A_threshold_cut_keeps_the_pairs_at_or_above_it_and_has_no_precision_when_it_keeps_none()
    {
        (double, bool)[] pairs = [(0.9, true), (0.7, false), (0.6, true), (0.2, false)];

        var cut = ThresholdCut.Of(pairs, 0.7, queriesWithAny: 2);
        var none = ThresholdCut.Of(pairs, 0.95, queriesWithAny: 0);

        Assert.That((cut.Results, cut.Precision, cut.Recall, cut.QueriesWithAny), Is.EqualTo((2, 0.5, 0.5, 2)));
        Assert.That((none.Results, double.IsNaN(none.Precision), none.Recall), Is.EqualTo((0, true, 0.0)));
        Assert.That(ThresholdCut.Of([(0.8, true), (0.8, true), (0.8, false)], 0.5, 1).Rounded(2).Precision, Is.EqualTo(0.67));
    }

    private static Product Item(string id, string category, string? group) =>
        new(id, id, category, null, $"{id}.jpg", 2, group is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["group"] = group });
}
