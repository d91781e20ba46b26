using System.Globalization;
using System.Security.Cryptography;
using CsvHelper;

namespace ImageSearch.Core.Catalog;

/// <summary>
/// Reads <c>products.csv</c> (<c>id,name,category,price,image_url</c>, plus any extra columns) with CsvHelper and
/// validates every row, reporting each problem with its line number.
/// </summary>
public static class CatalogReader
{
    public static readonly IReadOnlyList<string> RequiredColumns = ["id", "name", "category", "price", "image_url"];

    /// <summary>More problems than this are counted but not listed.</summary>
    public const int MaxReportedErrors = 200;

    /// <summary>Reads and validates a catalog. Throws <see cref="CatalogFormatException"/> listing every problem.</summary>
    public static ProductCatalog Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = File.ReadAllBytes(path);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        using var reader = new StreamReader(new MemoryStream(bytes), detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, sha256);
    }

    internal static ProductCatalog Read(TextReader text, string path, string sha256)
    {
        var errors = new List<CatalogError>();
        using var csv = CsvReader.Create(text, ReaderOptions(record => Add(errors, (int)record.LineNumber, Describe(record))), leaveOpen: true);
        if (csv.Headers is not { Count: > 0 } columns)
        {
            throw new CatalogFormatException(path, [new CatalogError(1, "the file is empty; expected the header id,name,category,price,image_url")]);
        }

        var missing = RequiredColumns.Where(c => !columns.Contains(c)).ToList();
        var duplicateColumns = columns.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (missing.Count > 0 || duplicateColumns.Count > 0)
        {
            var message = missing.Count > 0
                ? $"missing required column(s) {string.Join(", ", missing)}; the header is: {string.Join(",", columns)}"
                : $"duplicate column(s) {string.Join(", ", duplicateColumns)}";
            throw new CatalogFormatException(path, [new CatalogError(1, message)]);
        }

        var index = RequiredColumns.ToDictionary(c => c, c => columns.ToList().IndexOf(c));
        var extras = Enumerable.Range(0, columns.Count).Where(i => !RequiredColumns.Contains(columns[i])).ToArray();
        var products = new List<Product>();
        var firstLineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        while (csv.Read())
        {
            var line = (int)csv.LineNumber;
            var before = errors.Count;
            var id = csv.GetString(index["id"]).Trim();
            var imageUrl = csv.GetString(index["image_url"]).Trim();
            var priceText = csv.GetString(index["price"]).Trim();
            decimal? price = null;
            if (id.Length == 0)
            {
                Add(errors, line, "empty id");
            }
            else if (firstLineOfId.TryGetValue(id, out var firstLine))
            {
                Add(errors, line, $"duplicate id '{id}' (first on line {firstLine})");
            }
            else
            {
                firstLineOfId[id] = line;
            }

            if (imageUrl.Length == 0)
            {
                Add(errors, line, $"empty image_url for id '{id}'");
            }
            else if (imageUrl.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(imageUrl, UriKind.Absolute, out var uri)
                     && uri.Scheme is not ("http" or "https" or "file"))
            {
                Add(errors, line, $"image_url scheme '{uri.Scheme}' is not supported; use an http(s) URL or a file path");
            }

            if (priceText.Length > 0)
            {
                if (!decimal.TryParse(priceText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                {
                    Add(errors, line, $"price '{Excerpt(priceText)}' is not a number (use a dot for decimals, e.g. 19.99)");
                }
                else if (value < 0)
                {
                    Add(errors, line, $"price {priceText} is negative");
                }
                else
                {
                    price = value;
                }
            }

            if (errors.Count > before || errors.Count >= MaxReportedErrors)
            {
                continue;
            }

            var extra = extras.ToDictionary(i => columns[i], i => csv.GetString(i), StringComparer.Ordinal);
            products.Add(new Product(id, csv.GetString(index["name"]).Trim(), csv.GetString(index["category"]).Trim(), price, imageUrl, line, extra));
        }

        if (errors.Count > 0)
        {
            throw new CatalogFormatException(path, errors.OrderBy(e => e.Line).ToList());
        }

        return new ProductCatalog(path, products, extras.Select(i => columns[i]).ToList(), sha256);
    }

    /// <summary>
    /// How ImageSearch reads its CSV files: line numbers tracked for messages, header names trimmed and
    /// case-insensitive, malformed records skipped and reported through <paramref name="onMalformed"/>.
    /// </summary>
    internal static CsvReaderOptions ReaderOptions(Action<CsvMalformedRecord> onMalformed) => new()
    {
        TrackLineNumbers = true,
        SkipEmptyLines = true,
        MalformedData = CsvMalformedDataHandling.Skip,
        FieldCountMismatch = CsvFieldCountHandling.Skip,
        NormalizeHeaderName = name => name.Trim().ToLowerInvariant(),
        OnMalformedRecord = onMalformed,
    };

    internal static string Describe(CsvMalformedRecord record) => record.Reason switch
    {
        CsvMalformedReason.FieldCountMismatch => "wrong number of fields (compare with the header; quote values that contain commas)",
        CsvMalformedReason.StrayQuote => "bad quoting: a quote inside an unquoted value (quote the whole value and double inner quotes)",
        CsvMalformedReason.TextAfterClosingQuote => "bad quoting: text after a closing quote",
        CsvMalformedReason.UnterminatedQuote => "bad quoting: a quoted value is never closed",
        CsvMalformedReason.LineBreakInQuotes => "bad quoting: a line break inside a quoted value",
        _ => $"malformed record ({record.Reason})",
    };

    private static void Add(List<CatalogError> errors, int line, string message)
    {
        if (errors.Count < MaxReportedErrors)
        {
            errors.Add(new CatalogError(line, message));
        }
    }

    private static string Excerpt(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
