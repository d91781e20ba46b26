using System.Buffers;
using System.Runtime.ExceptionServices;
using ImageSearch.Core.Diagnostics;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Inference;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.Core.Query.Embedding;

/// <summary>The engine: bytes → pixels → tensor → embedding, with a MobileNetV2-style feature model.</summary>
public sealed class ImageEmbedder : IImageEmbedder, IDisposable, IAsyncDisposable
{
    public ImageEmbedder(ImagePreprocessor preprocessor, FeatureExtractor extractor)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        ArgumentNullException.ThrowIfNull(extractor);
        if (preprocessor.TensorLength != extractor.InputLength)
        {
            throw new ArgumentException(
                $"The preprocessing makes {preprocessor.Tensorizer.Options.CropSize}px crops; the model takes {extractor.InputSize.Width}x{extractor.InputSize.Height}.");
        }

        Preprocessor = preprocessor;
        Extractor = extractor;
        Identity = new EmbedderIdentity(extractor.ModelSha256, preprocessor.Tensorizer.Options.Name, extractor.Dimension, extractor.PoolingName);
    }

    public ImagePreprocessor Preprocessor { get; }

    public FeatureExtractor Extractor { get; }

    public int Dimension => Extractor.Dimension;

    /// <summary>The ONNX Runtime execution provider that actually runs the model.</summary>
    public ExecutionProvider ExecutionProvider => Extractor.ExecutionProvider;

    /// <summary>Which library decodes JPEG (the system's libjpeg-turbo where present, else SkiaSharp).</summary>
    public string JpegDecoder => Preprocessor.Decoder is ImageDecoder decoder ? decoder.JpegDecoderName : Preprocessor.Decoder.GetType().Name;

    public EmbedderIdentity Identity { get; }

    /// <summary>Loads the model and wires the decoders. Throws <see cref="FileNotFoundException"/> naming the model path.</summary>
    public static ImageEmbedder Create(EmbedderOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var modelPath = Path.GetFullPath(options.ModelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"The feature model {modelPath} does not exist. Run ./setup.sh, or prepare one with 'build-index prepare-model'.", modelPath);
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        var preprocessing = PreprocessingOptions.FromName(options.Preprocessing);
        var sessions = new InferenceSessionFactory(options.Inference, loggerFactory.CreateLogger<InferenceSessionFactory>());
        var model = sessions.Create(modelPath);
        try
        {
            var extractor = new FeatureExtractor(model, modelPath, FeaturePooling.Parse(options.Pooling));
            var preprocessor = new ImagePreprocessor(new ImageDecoder(), new ImageTensorizer(preprocessing), options.MaxPixels);
            var embedder = new ImageEmbedder(preprocessor, extractor);
            loggerFactory.CreateLogger<ImageEmbedder>().LogInformation(
                "The model runs on ONNX Runtime's {Provider} execution provider; JPEG is decoded by {JpegDecoder}", embedder.ExecutionProvider, embedder.JpegDecoder);
            return embedder;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public float[] Embed(ReadOnlySpan<byte> encodedImage)
    {
        var input = ArrayPool<float>.Shared.Rent(Preprocessor.TensorLength);
        try
        {
            using (EngineActivities.Source.StartActivity("imagesearch.decode"))
            {
                Preprocessor.Preprocess(encodedImage, input);
            }

            var embedding = new float[Dimension];
            using (EngineActivities.Source.StartActivity("imagesearch.inference"))
            {
                Extractor.Extract(input, 1, embedding);
            }

            return embedding;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }

    public float[][] EmbedBatch(IReadOnlyList<ReadOnlyMemory<byte>> encodedImages)
    {
        ArgumentNullException.ThrowIfNull(encodedImages);
        var count = encodedImages.Count;
        if (count == 0)
        {
            return [];
        }

        var length = Preprocessor.TensorLength;
        var inputs = ArrayPool<float>.Shared.Rent(count * length);
        try
        {
            var failures = new ImageDecodeException?[count];
            Parallel.For(0, count, i =>
            {
                try
                {
                    Preprocessor.Preprocess(encodedImages[i].Span, inputs.AsSpan(i * length, length));
                }
                catch (ImageDecodeException e)
                {
                    failures[i] = e;
                }
            });
            if (Array.Find(failures, f => f is not null) is { } failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            var embeddings = new float[count * Dimension];
            Extractor.Extract(inputs, count, embeddings);
            var result = new float[count][];
            for (var i = 0; i < count; i++)
            {
                result[i] = embeddings.AsSpan(i * Dimension, Dimension).ToArray();
            }

            return result;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(inputs);
        }
    }

    public void Dispose() => Extractor.Dispose();

    public ValueTask DisposeAsync() => Extractor.DisposeAsync();
}
