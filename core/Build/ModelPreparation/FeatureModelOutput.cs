namespace ImageSearch.Core.Build.ModelPreparation;

/// <summary>What a prepared feature model outputs.</summary>
public enum FeatureModelOutput
{
    /// <summary><c>features</c> <c>[batch, channels]</c>: the feature map average-pooled in the graph (the default).</summary>
    Pooled,

    /// <summary><c>feature_map</c> <c>[batch, channels, H, W]</c>: the last float feature map, pooled by the caller (GeM, R-MAC).</summary>
    FeatureMap,
}
