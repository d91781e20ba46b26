using System.Text.Json;
using System.Text.Json.Nodes;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Inference;

namespace ImageSearch.Tests.Web;

/// <summary>
/// The web page's on-device mode ports the server's preprocessing (ImageTensorizer) and pooling (FeaturePooling) to
/// TypeScript and decodes JPEGs with libjpeg-turbo (as WebAssembly), which gives the pixels the server's SkiaSharp
/// decoder and its system libjpeg-turbo accelerator give (DecoderParityTests). Its
/// Vitest tests check all three against <c>web/tests/fixtures/preprocessing.json</c>; this test checks that the
/// fixture is what the C# code computes today, so a change on either side fails a test. To regenerate the
/// fixture after a deliberate change: <c>IMAGESEARCH_WRITE_WEB_FIXTURES=1 dotnet test tests --filter WebPreprocessingFixture</c>.
/// </summary>
public sealed class WebPreprocessingFixtureTests
{
    private const string WriteVariable = "IMAGESEARCH_WRITE_WEB_FIXTURES";

    /// <summary>The synthetic photo both sides generate: channel c of pixel (x, y).</summary>
    private const string PixelFormula = "(x * 7 + y * 13 + c * 50 + (x * y) % 17) % 256";

    /// <summary>The synthetic feature map both sides read from the fixture: channel c at (y, x).</summary>
    private const string MapFormula = "((c * 31 + y * 7 + x * 3 + x * y * (c + 1)) % 13 - 4) / 4";

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Test]
    public void The_web_pages_preprocessing_fixture_is_what_the_tensorizer_and_pooling_compute()
    {
        var path = Path.Combine(RepositoryRoot(), "web", "tests", "fixtures", "preprocessing.json");
        var expected = Build();
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            File.WriteAllText(path, Format(expected));
        }

        Assert.That(File.Exists(path), Is.True, $"{path} is missing; write it with {WriteVariable}=1");
        var committed = JsonNode.Parse(File.ReadAllText(path))!;
        AssertSame(committed, expected, "$");
    }

    private static JsonObject Build()
    {
        var imageNet = PreprocessingOptions.ImageNet;
        PreprocessingOptions Small(int resize, int crop) => imageNet with { Name = $"fixture-{resize}-{crop}", ResizeShortSide = resize, CropSize = crop };
        return new JsonObject
        {
            ["about"] = "Written by tests/Web/WebPreprocessingFixtureTests.cs from the C# ImageTensorizer and FeaturePooling; "
                + "web/tests/preprocess.test.ts checks the TypeScript port against it. Regenerate: "
                + $"{WriteVariable}=1 dotnet test tests --filter WebPreprocessingFixture",
            ["pixel"] = PixelFormula,
            ["map"] = MapFormula,
            ["tensorizer"] = new JsonArray(
                Tensor("shrink", 37, 23, Small(16, 12), stride: 1),
                Tensor("enlarge", 7, 9, Small(16, 12), stride: 1),
                Tensor("crop-offset-half-to-even", 20, 20, Small(15, 10), stride: 1),
                Tensor("longer-side-half-to-even", 4, 6, Small(15, 10), stride: 1),
                Tensor("wide-strip", 50, 21, Small(15, 10), stride: 1),
                Tensor("imagenet-640x480", 640, 480, imageNet, stride: 97),
                Tensor("imagenet-400x533", 400, 533, imageNet, stride: 101)),
            ["jpeg"] = new JsonArray([.. JpegFixtures.SelectMany(name => new int?[] { null, 8, 4, 2 }.Select(min => Jpeg(name, min)))]),
            ["pooling"] = new JsonArray(
                Pooled("average", 4, 7, 7),
                Pooled("gem-p3", 4, 7, 7),
                Pooled("rmac", 4, 7, 7),
                Pooled("rmac", 3, 5, 8),
                Pooled("gem-p2.5", 3, 5, 8)),
        };
    }

    private static JsonObject Tensor(string name, int width, int height, PreprocessingOptions options, int stride)
    {
        using var image = new RgbImage(width, height);
        var pixels = image.Pixels;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    pixels[((y * width) + x) * 3 + c] = (byte)(((x * 7) + (y * 13) + (c * 50) + (x * y % 17)) % 256);
                }
            }
        }

        var tensorizer = new ImageTensorizer(options);
        var tensor = new float[tensorizer.TensorLength];
        tensorizer.Write(image, tensor);
        var plane = options.CropSize * options.CropSize;
        return new JsonObject
        {
            ["name"] = name,
            ["width"] = width,
            ["height"] = height,
            ["resize_short_side"] = options.ResizeShortSide,
            ["crop_size"] = options.CropSize,
            ["mean"] = Numbers(options.Mean),
            ["std"] = Numbers(options.Std),
            ["stride"] = stride,
            ["values"] = Numbers(tensor.Where((_, i) => i % stride == 0)),
            ["sums"] = Numbers(Enumerable.Range(0, 3).Select(c => (float)tensor.AsSpan(c * plane, plane).ToArray().Sum(v => (double)v))),
        };
    }

    /// <summary>The JPEG fixtures of the imaging tests: CMYK (Adobe), EXIF orientations 3 and 6 (4:4:4), greyscale.</summary>
    private static readonly string[] JpegFixtures = ["cmyk_adobe.jpg", "exif3.jpg", "exif6.jpg", "gray.jpg"];

    /// <summary>
    /// A JPEG fixture (its bytes travel in the fixture) decoded by the server's portable JPEG decoder (SkiaSharp; the system libjpeg-turbo gives the same pixels): at full size, and with a shorter side
    /// small enough to make it scale in the DCT domain by 1/2, 1/4 and 1/8 (the server asks for 320 on real photos).
    /// </summary>
    private static JsonObject Jpeg(string name, int? minShortSide)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Imaging", "Fixtures", name));
        var decoder = new SkiaImageDecoder();
        var info = decoder.Identify(bytes);
        using var image = decoder.Decode(bytes, new DecodeOptions { MinShortSide = minShortSide });
        var (fullWidth, fullHeight) = ImageOrientation.UprightSize(info.Width, info.Height, info.Orientation);
        return new JsonObject
        {
            ["name"] = name,
            ["min_short_side"] = minShortSide,
            ["file"] = Convert.ToBase64String(bytes),
            ["full_size"] = new JsonArray(fullWidth, fullHeight),
            ["width"] = image.Width,
            ["height"] = image.Height,
            ["rgb"] = Convert.ToBase64String(image.Pixels),
        };
    }

    private static JsonObject Pooled(string pooling, int channels, int height, int width)
    {
        var map = new float[channels * height * width];
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    map[(((c * height) + y) * width) + x] = (((c * 31) + (y * 7) + (x * 3) + (x * y * (c + 1))) % 13 - 4) / 4f;
                }
            }
        }

        var vector = new float[channels];
        FeaturePooling.Parse(pooling).Pool(map, channels, height, width, vector);
        return new JsonObject
        {
            ["pooling"] = pooling,
            ["channels"] = channels,
            ["height"] = height,
            ["width"] = width,
            ["vector"] = Numbers(vector),
        };
    }

    private static JsonArray Numbers(IEnumerable<float> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    /// <summary>Compact, but one tensorizer or pooling case a line, so a diff shows which changed.</summary>
    private static string Format(JsonObject fixture)
    {
        var lines = new List<string> { "{" };
        var properties = fixture.ToList();
        for (var p = 0; p < properties.Count; p++)
        {
            var (key, value) = properties[p];
            var comma = p < properties.Count - 1 ? "," : string.Empty;
            if (value is JsonArray cases)
            {
                lines.Add($"  {JsonSerializer.Serialize(key, Compact)}: [");
                lines.AddRange(cases.Select((item, i) => "    " + item!.ToJsonString(Compact) + (i < cases.Count - 1 ? "," : string.Empty)));
                lines.Add("  ]" + comma);
            }
            else
            {
                lines.Add($"  {JsonSerializer.Serialize(key, Compact)}: {value!.ToJsonString(Compact)}{comma}");
            }
        }

        lines.Add("}");
        return string.Join('\n', lines) + "\n";
    }

    private static double Number(JsonNode node) => double.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Same shape, same strings, numbers within 1e-4 or 1e-5 of their size (the SIMD paths may round differently on other processors).</summary>
    private static void AssertSame(JsonNode? actual, JsonNode? expected, string path)
    {
        switch (expected)
        {
            case JsonObject expectedObject:
                Assert.That(actual, Is.InstanceOf<JsonObject>(), path);
                var actualObject = actual!.AsObject();
                Assert.That(actualObject.Select(p => p.Key), Is.EquivalentTo(expectedObject.Select(p => p.Key)), path);
                foreach (var (key, value) in expectedObject)
                {
                    AssertSame(actualObject[key], value, $"{path}.{key}");
                }

                break;
            case JsonArray expectedArray:
                Assert.That(actual, Is.InstanceOf<JsonArray>(), path);
                var actualArray = actual!.AsArray();
                Assert.That(actualArray, Has.Count.EqualTo(expectedArray.Count), $"{path} length; regenerate with {WriteVariable}=1 after a deliberate change");
                for (var i = 0; i < expectedArray.Count; i++)
                {
                    AssertSame(actualArray[i], expectedArray[i], $"{path}[{i}]");
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                var number = Number(value);
                Assert.That(actual?.GetValueKind(), Is.EqualTo(JsonValueKind.Number), path);
                Assert.That(Number(actual!), Is.EqualTo(number).Within(1e-4 + (1e-5 * Math.Abs(number))),
                    $"{path}; the C# preprocessing changed: port the change to web/src/ondevice and regenerate with {WriteVariable}=1");
                break;
            default:
                Assert.That(actual?.ToJsonString(), Is.EqualTo(expected?.ToJsonString()), path);
                break;
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "web", "package.json")) && File.Exists(Path.Combine(directory.FullName, "ImageSearch.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (with web/package.json) was not found above the test binaries.");
    }
}
