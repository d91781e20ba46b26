namespace ImageSearch.Core.Query.Embedding;

/// <summary>What makes two embeddings comparable: the same model file, preprocessing, pooling and dimension.</summary>
public sealed record EmbedderIdentity(string ModelSha256, string Preprocessing, int Dimension, string Pooling = "average");
