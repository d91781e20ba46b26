using ImageSearch.Core.Inference.OnnxRuntime;

namespace ImageSearch.Tests.Inference.OnnxRuntime;

[TestFixture]
public sealed class OrtValueTests
{
    private static readonly int[] OneToFour = [1, 2, 3, 4];
    private static readonly long[] TwoThreeFour = [2, 3, 4];

    [Test]
    public void A_tensor_over_an_array_shares_its_memory_without_copying()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        using var value = OrtValue.CreateTensorValueFromMemory(data, [2, 3]);

        data[4] = 42;
        value.GetTensorMutableDataAsSpan<float>()[0] = -1;

        Assert.That(value.GetTensorDataAsSpan<float>().ToArray(), Is.EqualTo(new float[] { -1, 2, 3, 4, 42, 6 }));
        Assert.That(data[0], Is.EqualTo(-1f));
    }

    [Test]
    public void A_tensor_over_a_memory_slice_uses_only_that_slice()
    {
        var data = new int[] { 9, 1, 2, 3, 4, 9 };
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.AsMemory(1, 4), [2, 2]);

        Assert.That(value.GetTensorDataAsSpan<int>().ToArray(), Is.EqualTo(OneToFour));
    }

    [Test]
    public void A_tensor_reports_its_type_shape_and_element_count()
    {
        using var value = OrtValue.CreateTensorValueFromMemory(new long[24], [2, 3, 4]);

        var info = value.GetTensorTypeAndShape();

        Assert.That(value.IsTensor, Is.True);
        Assert.That(value.OnnxType, Is.EqualTo(OnnxValueType.ONNX_TYPE_TENSOR));
        Assert.That(info.ElementDataType, Is.EqualTo(TensorElementType.Int64));
        Assert.That(info.Shape, Is.EqualTo(TwoThreeFour));
        Assert.That(info.DimensionsCount, Is.EqualTo(3));
        Assert.That(info.ElementCount, Is.EqualTo(24));
    }

    [Test]
    public void A_scalar_has_an_empty_shape_and_one_element()
    {
        double[] scalar = [2.5];
        using var value = OrtValue.CreateTensorValueFromMemory(scalar, []);

        Assert.That(value.GetTensorTypeAndShape().ElementCount, Is.EqualTo(1));
        Assert.That(value.GetTensorDataAsSpan<double>()[0], Is.EqualTo(2.5));
    }

    [TestCase(typeof(float), TensorElementType.Float)]
    [TestCase(typeof(double), TensorElementType.Double)]
    [TestCase(typeof(byte), TensorElementType.UInt8)]
    [TestCase(typeof(sbyte), TensorElementType.Int8)]
    [TestCase(typeof(short), TensorElementType.Int16)]
    [TestCase(typeof(int), TensorElementType.Int32)]
    [TestCase(typeof(long), TensorElementType.Int64)]
    [TestCase(typeof(bool), TensorElementType.Bool)]
    public void Each_supported_element_type_maps_to_its_ONNX_type(Type clrType, TensorElementType expected)
    {
        var create = typeof(OrtValueTests).GetMethod(nameof(CreateFourElements), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(clrType);
        using var value = (OrtValue)create.Invoke(null, null)!;

        Assert.That(value.GetTensorTypeAndShape().ElementDataType, Is.EqualTo(expected));
    }

    [Test]
    public void A_shape_that_does_not_match_the_buffer_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => OrtValue.CreateTensorValueFromMemory(new float[6], [2, 4]).Dispose());

        Assert.That(ex.ParamName, Is.EqualTo("shape"));
    }

    [Test]
    public void A_negative_dimension_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => OrtValue.CreateTensorValueFromMemory(new float[6], [-2, -3]).Dispose());
    }

    [Test]
    public void Reading_a_tensor_as_the_wrong_element_type_throws()
    {
        using var value = OrtValue.CreateTensorValueFromMemory(new float[4], [4]);

        Assert.Throws<InvalidOperationException>(() => value.GetTensorDataAsSpan<int>());
    }

    [Test]
    public void Disposing_a_value_twice_is_safe_and_using_it_afterwards_throws()
    {
        var value = OrtValue.CreateTensorValueFromMemory(new float[4], [4]);

        value.Dispose();

        Assert.DoesNotThrow(value.Dispose);
        Assert.Throws<ObjectDisposedException>(() => value.GetTensorTypeAndShape());
    }

    private static OrtValue CreateFourElements<T>()
        where T : unmanaged => OrtValue.CreateTensorValueFromMemory(new T[4], [2, 2]);
}
