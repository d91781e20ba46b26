namespace ImageSearch.Core.Build.Learning;

/// <summary>The loss a metric head is trained with.</summary>
public enum MetricLoss
{
    /// <summary>
    /// Each anchor against every catalog item at once: a softmax over cosines / temperature whose target is spread over
    /// the anchor's matches (supervised contrastive, "InfoNCE" with several positives). Every negative gets a gradient
    /// weighted by how close it is, so hard negatives dominate without a mining schedule.
    /// </summary>
    Softmax,

    /// <summary>Batch-hard triplet: the anchor's farthest match against its closest non-match, with a margin (Hermans et al. 2017).</summary>
    Triplet,
}

/// <summary>How <see cref="MetricHeadTrainer"/> trains a linear projection on frozen embeddings.</summary>
public sealed record MetricHeadOptions
{
    /// <summary>Output dimension d of W (d × input).</summary>
    public int Dimension { get; init; } = 256;

    public MetricLoss Loss { get; init; } = MetricLoss.Softmax;

    /// <summary>Softmax temperature: lower concentrates the gradient on the hardest negatives.</summary>
    public float Temperature { get; init; } = 0.1f;

    /// <summary>Triplet margin (in cosine).</summary>
    public float Margin { get; init; } = 0.1f;

    /// <summary>Adam's step size.</summary>
    public float LearningRate { get; init; } = 3e-3f;

    /// <summary>Weight of ‖W − W₀‖² / ‖W₀‖², which keeps W near its initial projection.</summary>
    public float Regularization { get; init; } = 0.1f;

    /// <summary>
    /// The initial projection W₀ is PCA of the training vectors onto their top d axes, each axis scaled by
    /// 1/√(λ + shrinkage·mean λ): whitening with this shrinkage; <see cref="float.PositiveInfinity"/> gives a plain rotation.
    /// </summary>
    public float InitShrinkage { get; init; } = float.PositiveInfinity;

    public int MaxEpochs { get; init; } = 300;

    /// <summary>Stop after this many epochs without a better validation score.</summary>
    public int Patience { get; init; } = 25;

    /// <summary>Share of the training data held back to stop early (labelled query photos when there are any, else catalog items).</summary>
    public double ValidationShare { get; init; } = 0.2;

    /// <summary>Anchors per step at most (a random sample each epoch when there are more).</summary>
    public int MaxAnchorsPerStep { get; init; } = 2048;

    /// <summary>Catalog items per step at most (a random sample each epoch when there are more).</summary>
    public int MaxCandidatesPerStep { get; init; } = 4096;

    /// <summary>Rows trained on at most: a larger set is sampled (every photo up to half of this, then catalog rows evenly spaced).</summary>
    public int MaxTrainingRows { get; init; } = 20_000;

    /// <summary>Validation rows scored each epoch at most (evenly spaced); the others are still kept out of training.</summary>
    public int MaxValidationRows { get; init; } = 1_000;

    public int Seed { get; init; } = 8;
}
