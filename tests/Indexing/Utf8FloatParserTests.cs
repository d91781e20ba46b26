using System.Globalization;
using System.Text;
using ImageSearch.Core.Query.Index;

namespace ImageSearch.Tests.Indexing;

public sealed class Utf8FloatParserTests
{
    [Test]
    public void Every_round_trip_formatted_float_parses_back_to_the_same_bits()
    {
        var random = new Random(12345);
        Span<byte> buffer = stackalloc byte[32];
        for (var i = 0; i < 1_000_000; i++)
        {
            // Mostly embedding-like values, plus arbitrary bit patterns across the whole range.
            var value = i % 4 == 0
                ? BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue))
                : (float)(random.NextDouble() * 0.2 - 0.05);
            if (!float.IsFinite(value))
            {
                continue;
            }

            Assert.That(value.TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture), Is.True);
            if (!Utf8FloatParser.TryParse(buffer[..written], out var parsed) || BitConverter.SingleToInt32Bits(parsed) != BitConverter.SingleToInt32Bits(value))
            {
                Assert.Fail($"{Encoding.ASCII.GetString(buffer[..written])} parsed as {parsed:R}, expected {value:R}");
            }
        }
    }

    [TestCase("0", 0f)]
    [TestCase("-0", -0f)]
    [TestCase("1", 1f)]
    [TestCase(".5", 0.5f)]
    [TestCase("5.", 5f)]
    [TestCase("1E-45", 1E-45f)]
    [TestCase("3.4028235E+38", float.MaxValue)]
    [TestCase("1.17549435E-38", 1.17549435E-38f)]
    [TestCase("0.000000000000000000000000000001", 1E-30f)]
    [TestCase("123456789012345678901234567890", 1.2345679E+29f)]
    [TestCase("2.5e3", 2500f)]
    public void Edge_cases_parse_like_the_framework(string text, float expected)
    {
        Assert.That(Utf8FloatParser.TryParse(Encoding.ASCII.GetBytes(text), out var value), Is.True);
        Assert.That(BitConverter.SingleToInt32Bits(value), Is.EqualTo(BitConverter.SingleToInt32Bits(expected)));
    }

    [TestCase("")]
    [TestCase("-")]
    [TestCase(".")]
    [TestCase("1e")]
    [TestCase("1.2.3")]
    [TestCase("abc")]
    [TestCase("1,5")]
    public void Text_that_is_not_a_number_is_refused(string text)
    {
        Assert.That(Utf8FloatParser.TryParse(Encoding.ASCII.GetBytes(text), out _), Is.False);
    }
}
