namespace ImageSearch.Core.Query.Embedding;

/// <summary>Encoded image bytes → an L2-normalised embedding, the vector every search compares.</summary>
public interface IImageEmbedder
{
    /// <summary>Length of every embedding.</summary>
    int Dimension { get; }

    /// <summary>Identifies the model and preprocessing: an index is only searched with the embedder it was built with.</summary>
    EmbedderIdentity Identity { get; }

    /// <summary>Embeds one image. Throws <see cref="Imaging.ImageDecodeException"/> for bytes that are not a usable image.</summary>
    float[] Embed(ReadOnlySpan<byte> encodedImage);

    /// <summary>
    /// Embeds several images in one model run; the vectors equal those of single calls. Throws the first image's
    /// <see cref="Imaging.ImageDecodeException"/> when any cannot be used.
    /// </summary>
    float[][] EmbedBatch(IReadOnlyList<ReadOnlyMemory<byte>> encodedImages);
}
