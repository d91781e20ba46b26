namespace ImageSearch.Core.Build.ModelPreparation;

/// <summary>What <see cref="FeatureModelPreparer"/> did to a model.</summary>
/// <param name="InputName">The image input, <c>[batch, 3, H, W]</c> float.</param>
/// <param name="OutputName">The new output, <c>[batch, Dimension]</c> float.</param>
/// <param name="Dimension">Channels of the pooled feature map, or null when the graph does not say (ONNX Runtime infers it).</param>
/// <param name="CutAt">The pooling node the graph was cut at.</param>
/// <param name="NodesRemoved">How many nodes (the classifier head) were pruned.</param>
public sealed record PreparedModelInfo(string InputName, string OutputName, int? Dimension, string CutAt, int NodesRemoved);
