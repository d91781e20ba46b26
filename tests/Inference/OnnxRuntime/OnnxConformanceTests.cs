using System.Globalization;
using ImageSearch.Core.Inference.OnnxRuntime;

namespace ImageSearch.Tests.Inference.OnnxRuntime;

/// <summary>
/// Runs ONNX's own node conformance cases (Debian's libonnx-testdata) through the binding and compares every
/// output with the reference: floats within 1e-4 (absolute plus relative), integers exactly.
/// </summary>
[TestFixture]
public sealed class OnnxConformanceTests
{
    private const string NodeCasesFolder = "/usr/share/libonnx-testdata/data/node";
    private const string MissingData = "(libonnx-testdata is not installed)";
    private const double Tolerance = 1e-4;

    private static readonly string[] CasePrefixes =
    [
        "test_conv_", "test_basic_conv", "test_convinteger_", "test_clip", "test_add", "test_globalaveragepool", "test_flatten",
        "test_gemm", "test_qlinearconv", "test_quantizelinear", "test_dequantizelinear",
    ];

    public static IEnumerable<string> NodeCases()
    {
        if (!Directory.Exists(NodeCasesFolder))
        {
            // One case that fails, so a missing package can never pass as "no cases to run".
            yield return MissingData;
            yield break;
        }

        foreach (var dir in Directory.GetDirectories(NodeCasesFolder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            if (CasePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            {
                yield return name;
            }
        }
    }

    [Test]
    public void Conformance_data_is_installed()
    {
        Assert.That(
            Directory.Exists(NodeCasesFolder),
            Is.True,
            $"{NodeCasesFolder} is missing: run ./setup.sh (it installs Debian's libonnx-testdata).");
        Assert.That(NodeCases().Count(), Is.GreaterThanOrEqualTo(20));
    }

    [TestCaseSource(nameof(NodeCases))]
    public void Node_model_reproduces_the_reference_outputs(string caseName)
    {
        if (caseName == MissingData)
        {
            Assert.Fail($"{NodeCasesFolder} is missing: run ./setup.sh (it installs Debian's libonnx-testdata).");
        }

        var caseFolder = Path.Combine(NodeCasesFolder, caseName);
        using var session = new InferenceSession(Path.Combine(caseFolder, "model.onnx"));
        var dataSets = Directory.GetDirectories(caseFolder, "test_data_set_*");
        Assert.That(dataSets, Is.Not.Empty);
        foreach (var dataSet in dataSets.Order(StringComparer.Ordinal))
        {
            RunDataSet(session, dataSet);
        }
    }

    private static void RunDataSet(InferenceSession session, string dataSet)
    {
        var inputs = LoadNumbered(dataSet, "input");
        var expected = LoadNumbered(dataSet, "output");
        Assert.That(inputs, Has.Count.EqualTo(session.InputNames.Count), "input count");
        Assert.That(expected, Has.Count.EqualTo(session.OutputNames.Count), "output count");

        var names = inputs.Select((t, i) => session.InputNames.Contains(t.Name) ? t.Name : session.InputNames[i]).ToArray();
        var values = inputs.Select(t => t.ToOrtValue()).ToArray();
        try
        {
            using var outputs = session.Run(null, names, values, session.OutputNames.ToArray());
            for (var i = 0; i < expected.Count; i++)
            {
                AssertMatches(session.OutputNames[i], expected[i], outputs[i]);
            }
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private static void AssertMatches(string name, ProtoTensor expected, OrtValue actual)
    {
        var info = actual.GetTensorTypeAndShape();
        Assert.That(info.ElementDataType, Is.EqualTo(expected.ElementType), $"{name}: element type");
        Assert.That(info.Shape, Is.EqualTo(expected.Shape), $"{name}: shape");
        var actualData = ProtoTensor.ReadElements(actual, expected.ElementType);
        if (expected.Data is float[] or double[])
        {
            var e = expected.Data.Cast<object>().Select(Convert.ToDouble).ToArray();
            var a = actualData.Cast<object>().Select(Convert.ToDouble).ToArray();
            for (var k = 0; k < e.Length; k++)
            {
                Assert.That(
                    Math.Abs(a[k] - e[k]),
                    Is.LessThanOrEqualTo(Tolerance + (Tolerance * Math.Abs(e[k]))),
                    string.Create(CultureInfo.InvariantCulture, $"{name}[{k}]: expected {e[k]}, got {a[k]}"));
            }
        }
        else
        {
            Assert.That(actualData, Is.EqualTo(expected.Data).AsCollection, $"{name}: elements");
        }
    }

    private static List<ProtoTensor> LoadNumbered(string dataSet, string prefix)
    {
        var list = new List<ProtoTensor>();
        for (var i = 0; File.Exists(Path.Combine(dataSet, $"{prefix}_{i}.pb")); i++)
        {
            list.Add(ProtoTensor.Load(Path.Combine(dataSet, $"{prefix}_{i}.pb")));
        }

        return list;
    }
}
