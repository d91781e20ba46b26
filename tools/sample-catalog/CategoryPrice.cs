using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ImageSearch.SampleCatalog;

/// <summary>
/// The made-up prices of the sample catalog: each category has a range of whole-dollar prices ending in .99, and a
/// product's price is picked from it by the SHA-256 of its upstream image id (the first four bytes, big-endian,
/// modulo the range's size), so the same photo always gets the same price.
/// </summary>
public static class CategoryPrice
{
    /// <summary>The cheapest and dearest whole-dollar parts of each category's prices (the .99 comes on top).</summary>
    public static IReadOnlyDictionary<string, (int Lowest, int Highest)> Ranges { get; } = new Dictionary<string, (int, int)>(StringComparer.Ordinal)
    {
        ["Blazer"] = (49, 219),
        ["Blouse"] = (18, 69),
        ["Body"] = (7, 24),
        ["Dress"] = (25, 139),
        ["Hat"] = (9, 39),
        ["Hoodie"] = (25, 84),
        ["Longsleeve"] = (14, 44),
        ["Outwear"] = (45, 249),
        ["Pants"] = (24, 89),
        ["Polo"] = (15, 59),
        ["Shirt"] = (19, 69),
        ["Shoes"] = (35, 159),
        ["Shorts"] = (12, 44),
        ["Skirt"] = (18, 79),
        ["T-Shirt"] = (9, 34),
        ["Top"] = (10, 39),
        ["Undershirt"] = (6, 19),
    };

    public static decimal For(string category, string imageId)
    {
        if (!Ranges.TryGetValue(category, out var range))
        {
            throw new SampleCatalogException(
                $"image {imageId} has the upstream label '{category}', which is not one of the sample catalog's categories ({string.Join(", ", Ranges.Keys)}).");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(imageId));
        var pick = BinaryPrimitives.ReadUInt32BigEndian(hash) % (uint)(range.Highest - range.Lowest + 1);
        return range.Lowest + pick + 0.99m;
    }
}
