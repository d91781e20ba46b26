using System.Numerics.Tensors;
using System.Text.Json;
using ImageSearch.Core.Build.Learning;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Tests.Learning;

public sealed class MetricHeadTrainerTests
{
    private const int Dimension = 24;
    private const int Classes = 6;

    /// <summary>
    /// Rows whose class lives in 6 quiet dimensions while 18 loud ones are noise: PCA keeps the noise, so only a head
    /// that learns from the labels can find the classes.
    /// </summary>
    private static (float[] Vectors, int[] Labels) Hidden(int perClass, int seed)
    {
        var random = new Random(seed);
        var centres = new Random(99);
        var means = Enumerable.Range(0, Classes).Select(_ => Enumerable.Range(0, Classes).Select(_ => (float)(centres.NextDouble() - 0.5)).ToArray()).ToArray();
        var vectors = new float[Classes * perClass * Dimension];
        var labels = new int[Classes * perClass];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = i % Classes;
            var row = vectors.AsSpan(i * Dimension, Dimension);
            for (var j = 0; j < Dimension; j++)
            {
                row[j] = j < Classes ? means[labels[i]][j] + (float)(0.1 * Gaussian(random)) : (float)(1.5 * Gaussian(random));
            }

            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }

        return (vectors, labels);
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Mean average precision of each query ranking the catalog by the projected cosine.</summary>
    private static double Map(LinearProjection head, float[] catalog, int[] catalogLabels, float[] queries, int[] queryLabels)
    {
        var c = head.ApplyAll(new VectorRows(catalog, Dimension));
        var q = head.ApplyAll(new VectorRows(queries, Dimension));
        var total = 0.0;
        for (var i = 0; i < queryLabels.Length; i++)
        {
            var scores = Enumerable.Range(0, catalogLabels.Length).Select(r => TensorPrimitives.Dot(q.Row(i), c.Row(r))).ToArray();
            double hits = 0, sum = 0;
            foreach (var (r, rank) in Enumerable.Range(0, scores.Length).OrderByDescending(r => scores[r]).Select((r, rank) => (r, rank)))
            {
                if (catalogLabels[r] == queryLabels[i])
                {
                    hits++;
                    sum += hits / (rank + 1);
                }
            }

            total += sum / hits;
        }

        return total / queryLabels.Length;
    }

    private static MetricTrainingSet CatalogSet(float[] vectors, int[] labels) =>
        new(new VectorRows(vectors, Dimension), labels, [.. labels.Select(_ => true)], "category");

    [TestCase(MetricLoss.Softmax)]
    [TestCase(MetricLoss.Triplet)]
    public void Training_finds_the_classes_that_the_initial_projection_misses_on_rows_it_never_saw(MetricLoss loss)
    {
        var (catalog, labels) = Hidden(perClass: 30, seed: 1);
        var (fresh, freshLabels) = Hidden(perClass: 10, seed: 2);
        var options = new MetricHeadOptions { Dimension = 6, Loss = loss, LearningRate = 0.01f, Temperature = 0.1f, Regularization = 0.01f };

        var untrained = MetricHeadTrainer.Train(CatalogSet(catalog, labels), options with { MaxEpochs = 0 }).Projection;
        var trained = MetricHeadTrainer.Train(CatalogSet(catalog, labels), options).Projection;

        Assert.That(Map(untrained, catalog, labels, fresh, freshLabels), Is.LessThan(0.45), "the top principal axes are the noise");
        Assert.That(Map(trained, catalog, labels, fresh, freshLabels), Is.GreaterThan(0.8));
        Assert.That(trained.Training!.ValidationMapAfter, Is.GreaterThan(trained.Training.ValidationMapBefore + 0.3));
        Assert.That(trained.Training.BestEpoch, Is.LessThanOrEqualTo(trained.Training.Epochs));
    }

    [Test]
    public void Validation_photos_come_from_the_labelled_query_photos_and_every_label_keeps_some_to_train_on()
    {
        var (catalog, labels) = Hidden(perClass: 5, seed: 3);
        var (photos, photoLabels) = Hidden(perClass: 8, seed: 4);
        var set = new MetricTrainingSet(new VectorRows([.. catalog, .. photos], Dimension), [.. labels, .. photoLabels],
            [.. labels.Select(_ => true), .. photoLabels.Select(_ => false)], "group");

        var trained = MetricHeadTrainer.Train(set, new MetricHeadOptions { Dimension = 6, MaxEpochs = 3, ValidationShare = 0.25 });

        var validation = trained.ValidationRows;
        Assert.That(validation, Is.Not.Empty);
        Assert.That(validation, Has.All.GreaterThanOrEqualTo(labels.Length), "only photos are held back; the catalog is what they are matched against");
        foreach (var label in Enumerable.Range(0, Classes))
        {
            var photosOfLabel = Enumerable.Range(labels.Length, photoLabels.Length).Where(r => set.Labels[r] == label).ToArray();
            Assert.That(photosOfLabel.Count(r => validation.Contains(r)), Is.EqualTo(2), $"a quarter of label {label}'s 8 photos");
        }

        Assert.That(trained.Projection.Training!.ValidationItems, Is.EqualTo(validation.Count));
        Assert.That(trained.Projection.Training.TrainingQueries, Is.EqualTo(photoLabels.Length - validation.Count));
    }

    [Test]
    public void A_set_larger_than_the_cap_is_sampled_keeping_the_photos_and_naming_validation_rows_of_the_whole_set()
    {
        var (catalog, labels) = Hidden(perClass: 40, seed: 7);
        var (photos, photoLabels) = Hidden(perClass: 5, seed: 8);
        var set = new MetricTrainingSet(new VectorRows([.. catalog, .. photos], Dimension), [.. labels, .. photoLabels],
            [.. labels.Select(_ => true), .. photoLabels.Select(_ => false)], "category");

        var trained = MetricHeadTrainer.Train(set, new MetricHeadOptions { Dimension = 6, MaxEpochs = 3, MaxTrainingRows = 90 });

        var training = trained.Projection.Training!;
        Assert.That(training.CatalogItems + training.TrainingQueries + trained.ValidationRows.Count, Is.EqualTo(90));
        Assert.That(training.TrainingQueries + trained.ValidationRows.Count, Is.EqualTo(photoLabels.Length), "every photo is kept");
        Assert.That(trained.ValidationRows.All(r => r >= labels.Length && r < set.Count), Is.True, "photos, numbered in the whole set");
        Assert.That(trained.ValidationRows, Is.Not.Empty);
    }

    /// <summary>The catalog rows and <paramref name="perItem"/> views of each, every view labelled like its item.</summary>
    private static MetricTrainingSet WithViews(float[] catalog, int[] labels, float[] views, int perItem)
    {
        var n = labels.Length;
        var viewOf = Enumerable.Range(0, n * perItem).Select(v => v % n).ToArray();
        return new MetricTrainingSet(new VectorRows([.. catalog, .. views], Dimension), [.. labels, .. viewOf.Select(i => labels[i])],
            [.. labels.Select(_ => true), .. viewOf.Select(_ => false)], "group", [.. labels.Select(_ => -1), .. viewOf]);
    }

    [Test]
    public void Views_teach_a_head_what_one_photo_per_item_cannot()
    {
        // Six items, each its own label: alone they have no match to learn from; their views (the item in the quiet
        // dimensions, new noise in the loud ones) teach the head to ignore the noise, as fresh views then show.
        var (catalog, labels) = Hidden(perClass: 1, seed: 11);
        var (views, _) = Hidden(perClass: 8, seed: 12);
        var (fresh, freshLabels) = Hidden(perClass: 10, seed: 13);
        var options = new MetricHeadOptions { Dimension = 6, LearningRate = 0.03f, Regularization = 0, Patience = 300 };

        Assert.That(() => MetricHeadTrainer.Train(CatalogSet(catalog, labels), options), Throws.ArgumentException.With.Message.Contains("nothing to learn"));
        var untrained = MetricHeadTrainer.Train(WithViews(catalog, labels, views, 8), options with { MaxEpochs = 0 }).Projection;
        var trained = MetricHeadTrainer.Train(WithViews(catalog, labels, views, 8), options).Projection;

        var before = Map(untrained, catalog, labels, fresh, freshLabels);
        Assert.That(before, Is.LessThan(0.5), "the top principal axes are the noise: about chance among six");
        Assert.That(Map(trained, catalog, labels, fresh, freshLabels), Is.GreaterThan(before + 0.2));
        Assert.That(trained.Training!.ValidationMapAfter, Is.GreaterThan(trained.Training.ValidationMapBefore + 0.2), "stopped on held-back views");
        Assert.That(trained.Training.AugmentedViews, Is.EqualTo(48 - 12), "two of each item's eight views are held back to stop on");
        Assert.That(trained.Training.TrainingQueries, Is.Zero, "views are not photos");
    }

    [Test]
    public void Views_are_never_validated_on_and_the_views_of_a_held_back_item_are_not_trained_on()
    {
        var (catalog, labels) = Hidden(perClass: 5, seed: 14);
        var (views, _) = Hidden(perClass: 10, seed: 15);
        var set = WithViews(catalog, labels, views, 2) with { LabelName = "category" };

        var trained = MetricHeadTrainer.Train(set, new MetricHeadOptions { Dimension = 6, MaxEpochs = 3 });

        Assert.That(trained.ValidationRows, Has.Count.EqualTo(Classes), "a fifth of each label's five catalog items");
        Assert.That(trained.ValidationRows, Has.All.LessThan(labels.Length), "catalog items, never views");
        Assert.That(trained.Projection.Training!.AugmentedViews, Is.EqualTo((2 * labels.Length) - (2 * Classes)));
        Assert.That(trained.Projection.Training.CatalogItems, Is.EqualTo(labels.Length - Classes));
    }

    [Test]
    public void The_same_seed_gives_the_same_head_and_another_seed_another()
    {
        var (catalog, labels) = Hidden(perClass: 20, seed: 16);
        var options = new MetricHeadOptions { Dimension = 6, MaxEpochs = 10, MaxAnchorsPerStep = 40 };

        var first = MetricHeadTrainer.Train(CatalogSet(catalog, labels), options).Projection;
        var again = MetricHeadTrainer.Train(CatalogSet(catalog, labels), options).Projection;
        var other = MetricHeadTrainer.Train(CatalogSet(catalog, labels), options with { Seed = 9 }).Projection;

        Assert.That(again.Weights, Is.EqualTo(first.Weights));
        Assert.That(other.Weights, Is.Not.EqualTo(first.Weights));
    }

    [Test]
    public void A_training_set_where_nothing_matches_is_refused()
    {
        var (catalog, _) = Hidden(perClass: 2, seed: 5);
        var unique = Enumerable.Range(0, catalog.Length / Dimension).ToArray();

        Assert.That(() => MetricHeadTrainer.Train(CatalogSet(catalog, unique), new MetricHeadOptions { Dimension = 6 }), Throws.ArgumentException.With.Message.Contains("nothing to learn"));
        Assert.That(() => MetricHeadTrainer.Train(CatalogSet(catalog, [.. unique.Select(i => i % 2)]), new MetricHeadOptions { Dimension = Dimension }),
            Throws.ArgumentException.With.Message.Contains("fewer dimensions"), "a head that does not reduce the dimension would make a stored vector look like an embedding");
    }

    [Test]
    public void The_projection_writes_unit_vectors_and_round_trips_through_json()
    {
        var (catalog, labels) = Hidden(perClass: 10, seed: 6);
        var head = MetricHeadTrainer.Train(CatalogSet(catalog, labels), new MetricHeadOptions { Dimension = 4, MaxEpochs = 5 }).Projection;

        var json = JsonSerializer.Serialize(head);
        var back = JsonSerializer.Deserialize<LinearProjection>(json)!;

        Assert.That(back.Problem(), Is.Null);
        Assert.That(back.Apply(catalog.AsSpan(0, Dimension)), Is.EqualTo(head.Apply(catalog.AsSpan(0, Dimension))));
        Assert.That(TensorPrimitives.Norm(back.Apply(catalog.AsSpan(Dimension, Dimension))), Is.EqualTo(1f).Within(1e-5f));
        Assert.That((back with { Weights = "AAAA" }).Problem(), Does.Contain("do not match"));
    }
}
