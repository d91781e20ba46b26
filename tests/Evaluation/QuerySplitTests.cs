using ImageSearch.Core.Build.Evaluation;

namespace ImageSearch.Tests.Evaluation;

public sealed class QuerySplitTests
{
    [Test]
    public void The_split_is_a_fixed_function_of_the_id_and_about_half_and_half()
    {
        var ids = Enumerable.Range(0, 2000).Select(i => $"Q{i:D5}").ToList();

        var tuning = ids.Count(id => QuerySplit.HalfOf(id) == QueryHalf.Tuning);

        Assert.That(tuning, Is.InRange(900, 1100));
        var again = ids.AsEnumerable().Reverse().Select(QuerySplit.HalfOf).Reverse();
        Assert.That(again, Is.EqualTo(ids.Select(QuerySplit.HalfOf)), "the same whatever the order");
    }

    [Test]
    public void Pinned_ids_stay_in_their_half()
    {
        // If these change, every number in docs/quality.md was measured on a different split.
        Assert.That(new[] { "a", "b", "c", "d" }.Select(QuerySplit.HalfOf), Is.All.EqualTo(QueryHalf.Tuning));
        Assert.That(new[] { "e", "f", "g", "x" }.Select(QuerySplit.HalfOf), Is.All.EqualTo(QueryHalf.HeldOut));
    }

    [Test]
    public void Selecting_a_half_keeps_the_order_and_the_halves_partition_the_set()
    {
        var queries = Enumerable.Range(0, 100).Select(i => new QueryImage($"q{i}", "c", null, $"q{i}.jpg", i + 2)).ToList();

        var tuning = QuerySplit.Select(queries, QueryHalf.Tuning);
        var heldOut = QuerySplit.Select(queries, QueryHalf.HeldOut);

        Assert.That(tuning.Count + heldOut.Count, Is.EqualTo(100));
        Assert.That(tuning.Intersect(heldOut), Is.Empty);
        Assert.That(tuning.Select(q => q.Line), Is.Ordered);
        Assert.That(QuerySplit.Select(queries, QueryHalf.All), Is.SameAs(queries));
    }
}
