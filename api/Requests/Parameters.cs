using System.Globalization;
using ImageSearch.Api.Errors;
using Microsoft.Extensions.Primitives;

namespace ImageSearch.Api.Requests;

/// <summary>
/// Parses request parameters by hand, so that every bad value is a 400 naming the parameter and saying what is
/// expected, never a framework binding error.
/// </summary>
public static class Parameters
{
    public const int DefaultTopK = 10;
    public const int MaxTopK = 100;
    public const float DefaultThreshold = 0.70f;
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>The single value of a parameter, or null when absent or blank; 400 when given more than once.</summary>
    public static string? Single(string name, StringValues values)
    {
        if (values.Count > 1)
        {
            throw ApiProblemException.BadParameter(name, $"'{name}' was given {values.Count} times; give it once.");
        }

        var value = values.Count == 1 ? values[0]?.Trim() : null;
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public static int Integer(string name, StringValues values, int defaultValue, int min, int max)
    {
        if (Single(name, values) is not { } text)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw ApiProblemException.BadParameter(name, $"'{name}' must be a whole number from {min} to {max}; got '{Excerpt(text)}'.");
        }

        return value;
    }

    public static int TopK(StringValues values) => Integer("top_k", values, DefaultTopK, 1, MaxTopK);

    public static float Threshold(StringValues values)
    {
        if (Single("threshold", values) is not { } text)
        {
            return DefaultThreshold;
        }

        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value) || value < 0 || value > 1)
        {
            throw ApiProblemException.BadParameter("threshold", $"'threshold' must be a number from 0 to 1 (a dot for decimals, e.g. 0.75); got '{Excerpt(text)}'.");
        }

        return value;
    }

    public static decimal? Price(string name, StringValues values)
    {
        if (Single(name, values) is not { } text)
        {
            return null;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw ApiProblemException.BadParameter(name, $"'{name}' must be a non-negative number (a dot for decimals, e.g. 19.99); got '{Excerpt(text)}'.");
        }

        return value;
    }

    /// <summary>The repeatable <c>category</c> parameter, or null for all categories.</summary>
    public static IReadOnlySet<string>? Categories(StringValues values) =>
        Core.Query.Search.ProductFilter.CategorySet(values.Select(v => v ?? string.Empty));

    /// <summary>The catalog filter of <c>category</c>, <c>min_price</c> and <c>max_price</c>.</summary>
    public static ImageSearch.Core.Query.Search.ProductFilter Filter(StringValues categories, StringValues minPrice, StringValues maxPrice)
    {
        var min = Price("min_price", minPrice);
        var max = Price("max_price", maxPrice);
        if (min > max)
        {
            throw ApiProblemException.BadParameter("min_price", $"'min_price' ({min}) is above 'max_price' ({max}).");
        }

        return new ImageSearch.Core.Query.Search.ProductFilter { Categories = Categories(categories), MinPrice = min, MaxPrice = max };
    }

    /// <summary>At most 40 characters of a value, for echoing it in a message.</summary>
    internal static string Excerpt(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
