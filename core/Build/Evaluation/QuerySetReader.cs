using CsvHelper;
using ImageSearch.Core.Catalog;

namespace ImageSearch.Core.Build.Evaluation;

/// <summary>Reads a query set: <c>id,category,image_path</c> and optionally <c>group</c>; paths relative to the file's folder.</summary>
public static class QuerySetReader
{
    private static readonly string[] RequiredColumns = ["id", "category", "image_path"];

    public static IReadOnlyList<QueryImage> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        var errors = new List<CatalogError>();
        var options = CatalogReader.ReaderOptions(record => errors.Add(new CatalogError((int)record.LineNumber, CatalogReader.Describe(record))));
        using var csv = CsvReader.FromFile(path, options, FileOptions.SequentialScan);
        var columns = csv.Headers?.ToList() ?? [];
        var missing = RequiredColumns.Where(c => !columns.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new CatalogFormatException(path, [new CatalogError(1, $"missing column(s) {string.Join(", ", missing)}; a query set has id,category,image_path[,group]")]);
        }

        int id = columns.IndexOf("id"), category = columns.IndexOf("category"), image = columns.IndexOf("image_path"), group = columns.IndexOf("group");
        var folder = Path.GetDirectoryName(path)!;
        var queries = new List<QueryImage>();
        while (csv.Read())
        {
            var line = (int)csv.LineNumber;
            var imagePath = csv.GetString(image).Trim();
            if (imagePath.Length == 0)
            {
                errors.Add(new CatalogError(line, "empty image_path"));
                continue;
            }

            var groupValue = group >= 0 ? csv.GetString(group).Trim() : string.Empty;
            queries.Add(new QueryImage(csv.GetString(id).Trim(), csv.GetString(category).Trim(), groupValue.Length > 0 ? groupValue : null,
                Path.GetFullPath(Path.Combine(folder, imagePath)), line));
        }

        return errors.Count > 0 ? throw new CatalogFormatException(path, errors) : queries;
    }
}
