using ImageSearch.Core.Query.Index;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Core.Query.Search;

/// <summary>Finds and checks the binary form of an index; the CSV stays the fallback.</summary>
internal static partial class SearchIndexLoader
{
    /// <summary>
    /// A cheap check that index.csv (when present) is the one its metadata describes, even when the binary is what gets
    /// read: an index.csv from another build beside them means a half-finished deployment, refused as a whole.
    /// </summary>
    public static void EnsureCsvBelongs(string indexPath, IndexMetadata metadata)
    {
        var csv = new FileInfo(Path.GetFullPath(indexPath));
        if (csv.Exists && csv.Length != metadata.IndexBytes)
        {
            throw new IndexFormatException($"{csv.FullName} is {csv.Length} bytes but its metadata says {metadata.IndexBytes}: the two files are from different builds.");
        }
    }

    /// <summary>index.bin when it exists and is the one <paramref name="metadata"/> describes; null (with a log line saying why) otherwise.</summary>
    public static BinaryIndexFile? TryOpenBinary(string indexPath, IndexMetadata metadata, IndexLoadOptions options, ILogger logger)
    {
        var path = BinaryIndexWriter.PathFor(indexPath);
        if (metadata.BinaryBytes is null || !File.Exists(path))
        {
            LogNoBinary(logger, path);
            return null;
        }

        BinaryIndexFile? binary = null;
        try
        {
            binary = BinaryIndexFile.Open(path, options.VerifyVectors);
            var checksum = binary.Checksum.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
            if (binary.Length != metadata.BinaryBytes || !string.Equals(checksum, metadata.BinaryChecksum, StringComparison.OrdinalIgnoreCase))
            {
                throw new IndexFormatException($"{path} is not the binary of this build (its metadata expects {metadata.BinaryBytes} bytes, checksum {metadata.BinaryChecksum}; the file has {binary.Length}, {checksum})");
            }

            // With a metric head, index.bin holds the projected vectors the search compares.
            var dimension = metadata.Projection?.OutputDimension ?? metadata.Dimension;
            if (binary.Rows != metadata.RowCount || binary.Dimension != dimension)
            {
                throw new IndexFormatException($"{path} holds {binary.Rows} rows of {binary.Dimension}; its metadata says {metadata.RowCount} of {dimension}");
            }

            var row = 0;
            foreach (var id in metadata.ImageSha256.Keys)
            {
                if (!string.Equals(id, binary.Ids[row], StringComparison.Ordinal))
                {
                    throw new IndexFormatException($"{path}: row {row + 1} is '{binary.Ids[row]}' but its metadata lists '{id}' there");
                }

                row++;
            }

            if (metadata.CompactRecallAt10 is < 0.99 && binary.Quantizer is not null && binary.Rows >= options.CompactFromRows)
            {
                LogLowRecall(logger, metadata.CompactRecallAt10.Value);
            }

            return binary;
        }
        catch (IndexFormatException e)
        {
            binary?.Dispose();
            LogBinaryRefused(logger, e.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No binary index at {Path} for this build; reading index.csv")]
    private static partial void LogNoBinary(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The build measured the compact search's recall@10 at {Recall}: some of the best matches will be missed. Rebuild with more --coarse-dimensions or raise ImageSearch:Index:Compact:CoarseCandidates")]
    private static partial void LogLowRecall(ILogger logger, double recall);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The binary index is not used, reading index.csv instead: {Reason}")]
    private static partial void LogBinaryRefused(ILogger logger, string reason);
}
