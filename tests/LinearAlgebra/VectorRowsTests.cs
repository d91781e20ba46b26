using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Tests.LinearAlgebra;

public sealed class VectorRowsTests
{
    [Test]
    public void Rows_are_read_in_order_each_as_wide_as_the_dimension()
    {
        var rows = new VectorRows([1, 2, 3, 4, 5, 6], dimension: 3);

        Assert.That((rows.Count, rows.Dimension), Is.EqualTo((2, 3)));
        Assert.That(rows.Row(0).ToArray(), Is.EqualTo(new float[] { 1, 2, 3 }));
        Assert.That(rows.Row(1).ToArray(), Is.EqualTo(new float[] { 4, 5, 6 }));
        Assert.That(rows.Values.ToArray(), Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That(rows.ToString(), Is.EqualTo("2 rows of 3"));
    }

    [Test]
    public void Values_that_are_not_whole_rows_are_refused_naming_what_is_left_over()
    {
        var error = Assert.Throws<ArgumentException>(() => new VectorRows(new float[7], dimension: 3));

        Assert.That(error!.ParamName, Is.EqualTo("values"));
        Assert.That(error.Message, Does.StartWith("7 values are not whole rows of 3: 2 rows and 1 values left over."));
    }

    [TestCase(0)]
    [TestCase(-4)]
    public void A_dimension_below_one_is_refused(int dimension)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new VectorRows([], dimension));

        Assert.That(error!.ParamName, Is.EqualTo("dimension"));
    }

    [Test]
    public void A_count_that_does_not_match_the_values_is_refused_with_both_numbers()
    {
        var error = Assert.Throws<ArgumentException>(() => new VectorRows(new float[6], count: 3, dimension: 3));

        Assert.That(error!.Message, Does.StartWith("3 rows of 3 need 9 values; got 6."));
        Assert.That(new VectorRows(new float[6], count: 2, dimension: 3).Count, Is.EqualTo(2));
    }

    [Test]
    public void A_row_outside_the_rows_is_refused()
    {
        var rows = new VectorRows(new float[6], dimension: 3);

        Assert.Throws<ArgumentOutOfRangeException>(() => rows.Row(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.Row(-1));
    }

    [Test]
    public void Empty_rows_keep_their_dimension()
    {
        var empty = VectorRows.Empty(5);

        Assert.That((empty.Count, empty.Dimension), Is.EqualTo((0, 5)));
    }

    [Test]
    public void Rows_made_from_vectors_must_all_have_the_dimension_and_the_first_odd_one_is_named()
    {
        var rows = VectorRows.Of([[1, 2], [3, 4]], dimension: 2);
        var error = Assert.Throws<ArgumentException>(() => VectorRows.Of([[1, 2], [3, 4, 5], [6]], dimension: 2));

        Assert.That(rows.Row(1).ToArray(), Is.EqualTo(new float[] { 3, 4 }));
        Assert.That(error!.Message, Does.StartWith("Row 1 has 3 components; the rows have 2."));
    }

    [Test]
    public void Concatenated_rows_follow_each_other_and_must_share_a_dimension()
    {
        var a = new VectorRows([1, 2], dimension: 2);
        var b = new VectorRows([3, 4, 5, 6], dimension: 2);

        var both = VectorRows.Concat(a, b);
        var error = Assert.Throws<ArgumentException>(() => VectorRows.Concat(a, new VectorRows([1, 2, 3], dimension: 3)));

        Assert.That(both.Values.ToArray(), Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That(both.Count, Is.EqualTo(3));
        Assert.That(error!.Message, Does.StartWith("Rows of 3 cannot follow rows of 2."));
    }

    [Test]
    public void Gathering_picks_rows_in_the_order_asked_and_may_repeat_one()
    {
        var rows = new VectorRows([0, 0, 1, 1, 2, 2], dimension: 2);

        var picked = rows.Gather([2, 0, 2]);

        Assert.That(picked.Values.ToArray(), Is.EqualTo(new float[] { 2, 2, 0, 0, 2, 2 }));
    }

    [Test]
    public void A_copy_can_be_changed_without_changing_the_rows()
    {
        var rows = new VectorRows([1, 2], dimension: 2);

        var copy = rows.ToArray();
        copy[0] = 9;

        Assert.That(rows.Row(0)[0], Is.EqualTo(1));
    }

    [Test]
    public void Mapping_makes_one_output_row_of_the_new_dimension_from_each_row_in_order()
    {
        var rows = new VectorRows([1, 2, 3, 4, 5, 6], dimension: 2);

        var sums = rows.Map(1, (row, output) => output[0] = row[0] + row[1]);

        Assert.That((sums.Count, sums.Dimension), Is.EqualTo((3, 1)));
        Assert.That(sums.Values.ToArray(), Is.EqualTo(new float[] { 3, 7, 11 }));
    }
}
