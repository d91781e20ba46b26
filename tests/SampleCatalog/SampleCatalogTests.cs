using System.Globalization;
using System.Security.Cryptography;
using ImageSearch.SampleCatalog;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Tests.BuildIndex;
using ImageSearch.Tests.Fetching;

namespace ImageSearch.Tests.SampleCatalog;

/// <summary>
/// The sample catalog without a mirror: the upstream archive (here a zip laid out like GitHub's, built from the
/// mirror's photos and served on loopback) becomes data/images and a products.csv like the published one.
/// </summary>
public sealed class SampleCatalogTests
{
    [Test]
    public async Task An_upstream_archive_downloaded_over_http_reproduces_the_published_sample_catalog()
    {
        using var fixture = new UpstreamArchiveFixture();
        var mirror = UpstreamArchiveFixture.MirrorProducts();
        var photos = mirror.Select(p => new UpstreamPhoto(p.ImageId, p.Category, UpstreamArchiveFixture.MirrorPhoto(p.ImageId))).ToList();
        // The upstream set has photos the sample leaves out, with labels it does not use.
        var query = Directory.EnumerateFiles(Path.Combine(TestData.DatasetsFolder, "clothing", "queries"), "*.jpg").First();
        fixture.WriteArchive([.. photos, new UpstreamPhoto(Path.GetFileNameWithoutExtension(query), "Not sure", File.ReadAllBytes(query))]);
        fixture.WriteManifest(photos, PublishedCatalogSha256());
        await using var server = LoopbackHttpServer.Serving(File.ReadAllBytes(fixture.ArchivePath), "application/zip");
        using var http = new HttpClient();
        var archive = Path.Combine(fixture.Folder, "cache", "clothing.zip");

        var fetched = await new ArchiveDownloader(http, TextWriter.Null).FetchAsync(server.Url("/archive/commit.zip"), archive, CancellationToken.None);
        SampleCatalogResult result;
        using (var upstream = UpstreamArchive.Open(archive))
        {
            result = new SampleCatalogBuilder(new ImageDecoder(), TextWriter.Null).Build(SampleCatalogManifest.Read(fixture.ManifestPath), upstream, fixture.OutputFolder);
        }

        Assert.That(fetched, Is.True);
        Assert.That(result.ImagesWritten, Is.EqualTo(mirror.Count));
        Assert.That(Directory.GetFiles(Path.Combine(fixture.OutputFolder, "images")), Has.Length.EqualTo(mirror.Count), "only the pinned photos");
        var written = File.ReadLines(result.CatalogPath).Skip(1).Select(line => line.Split(',')).ToList();
        Assert.That(written.Select(f => (f[0], f[2], f[3], f[4])),
            Is.EqualTo(mirror.Select(p => (p.Id, p.Category, p.Price, $"images/{p.ImageId}.jpg"))),
            "ids, categories, prices and image paths are those of the published catalog");
        var sameNames = written.Zip(mirror).Count(pair => pair.First[1] == pair.Second.Name);
        TestContext.Out.WriteLine($"names equal to the published catalog's: {sameNames} of {mirror.Count}");
        Assert.That(sameNames, Is.GreaterThanOrEqualTo(mirror.Count * 99 / 100), "colour names read off the photos' centres");
        Assert.That(result.MatchesPinnedCatalog, Is.EqualTo(sameNames == mirror.Count));
    }

    [Test]
    public void A_photo_whose_bytes_differ_from_its_pin_is_refused_and_no_products_csv_is_written()
    {
        using var fixture = new UpstreamArchiveFixture();
        var photos = SomeMirrorPhotos(3);
        fixture.WriteManifest(photos);
        var tampered = photos[1].Bytes.ToArray();
        tampered[^3] ^= 0x40;
        fixture.WriteArchive([photos[0], photos[1] with { Bytes = tampered }, photos[2]]);

        var error = Assert.Throws<SampleCatalogException>(() => Build(fixture));

        Assert.That(error!.Message, Does.Contain($"images/{photos[1].Id}.jpg").And.Contain("SHA-256").And.Contain("products.csv was not written"));
        Assert.That(File.Exists(Path.Combine(fixture.OutputFolder, "products.csv")), Is.False);
        Assert.That(File.Exists(Path.Combine(fixture.OutputFolder, "images", photos[1].Id + ".jpg")), Is.False, "the altered photo is never written");
    }

    [Test]
    public void A_pinned_photo_missing_from_the_archive_is_named()
    {
        using var fixture = new UpstreamArchiveFixture();
        var photos = SomeMirrorPhotos(2);
        fixture.WriteManifest(photos);
        fixture.WriteArchive([photos[0]]);

        var error = Assert.Throws<SampleCatalogException>(() => Build(fixture));

        Assert.That(error!.Message, Does.Contain($"images/{photos[1].Id}.jpg").And.Contain("not in the archive"));
    }

    [Test]
    public void A_photo_whose_upstream_label_is_not_a_sample_category_is_a_clear_error()
    {
        using var fixture = new UpstreamArchiveFixture();
        var photo = SomeMirrorPhotos(1)[0] with { Label = "Skip" };
        fixture.WriteManifest([photo]);
        fixture.WriteArchive([photo]);

        var error = Assert.Throws<SampleCatalogException>(() => Build(fixture));

        Assert.That(error!.Message, Does.Contain(photo.Id).And.Contain("'Skip'").And.Contain("T-Shirt"));
    }

    [Test]
    public void A_second_run_keeps_the_photos_already_in_place_and_writes_the_same_catalog()
    {
        using var fixture = new UpstreamArchiveFixture();
        var photos = SomeMirrorPhotos(4);
        fixture.WriteManifest(photos);
        fixture.WriteArchive(photos);
        var first = Build(fixture);
        var firstCsv = File.ReadAllBytes(first.CatalogPath);

        var second = Build(fixture);

        Assert.That(first.ImagesWritten, Is.EqualTo(4));
        Assert.That(second.ImagesWritten, Is.Zero);
        Assert.That(File.ReadAllBytes(second.CatalogPath), Is.EqualTo(firstCsv));
    }

    [Test]
    public void An_archive_without_images_csv_is_not_taken_for_the_dataset()
    {
        using var fixture = new UpstreamArchiveFixture();
        using (var zip = System.IO.Compression.ZipFile.Open(fixture.ArchivePath, System.IO.Compression.ZipArchiveMode.Create))
        {
            zip.CreateEntry("something-else/README.md");
        }

        var error = Assert.Throws<SampleCatalogException>(() => UpstreamArchive.Open(fixture.ArchivePath));

        Assert.That(error!.Message, Does.Contain("images.csv").And.Contain("not the clothing dataset"));
    }

    [Test]
    public void Products_are_sorted_by_category_then_image_id_and_numbered_from_C0001()
    {
        using var fixture = new UpstreamArchiveFixture();
        var photos = SomeMirrorPhotos(3);
        photos = [photos[0] with { Label = "Shoes" }, photos[1] with { Label = "Blazer" }, photos[2] with { Label = "Shoes" }];
        fixture.WriteManifest(photos);
        fixture.WriteArchive(photos);

        var products = Build(fixture).Products;

        var shoes = photos.Where(p => p.Label == "Shoes").Select(p => $"images/{p.Id}.jpg").Order(StringComparer.Ordinal);
        Assert.That(products.Select(p => p.Id), Is.EqualTo(new[] { "C0001", "C0002", "C0003" }));
        Assert.That(products.Select(p => p.ImageUrl), Is.EqualTo(new[] { $"images/{photos[1].Id}.jpg" }.Concat(shoes)));
        Assert.That(products.Select(p => p.Name.Split(' ')[^1]), Is.EqualTo(new[] { "Blazer", "Shoes", "Shoes" }));
    }

    [Test]
    public void Prices_end_in_99_and_spread_over_the_category_range()
    {
        var prices = Enumerable.Range(0, 500).Select(i => CategoryPrice.For("Hat", Guid.NewGuid().ToString())).ToList();

        Assert.That(prices, Is.All.InRange(9.99m, 39.99m));
        Assert.That(prices.Select(p => p - decimal.Truncate(p)), Is.All.EqualTo(0.99m));
        Assert.That(prices.Distinct().Count(), Is.GreaterThan(20), "spread over the range");
    }

    [Test]
    public void The_repository_manifest_pins_products_csv_and_the_1331_photos_of_the_mirror()
    {
        var manifest = SampleCatalogManifest.Read(Path.Combine(RepositoryRoot(), "data", "sample-catalog.sha256"));

        Assert.That(manifest.Images, Has.Count.EqualTo(1331));
        Assert.That(manifest.Catalog?.Sha256, Is.EqualTo(PublishedCatalogSha256()));
        Assert.That(manifest.Images.Select(i => i.Path), Is.EquivalentTo(UpstreamArchiveFixture.MirrorProducts().Select(p => $"images/{p.ImageId}.jpg")));
    }

    [TestCase("abc  images/x.jpg", "expected 'SHA256  PATH'")]
    [TestCase("0000000000000000000000000000000000000000000000000000000000000000  notes.txt", "neither products.csv nor images/NAME.jpg")]
    [TestCase("0000000000000000000000000000000000000000000000000000000000000000  images/../x.jpg", "neither products.csv nor images/NAME.jpg")]
    public void A_malformed_manifest_line_is_reported_with_its_line_number(string line, string message)
    {
        var text = "0000000000000000000000000000000000000000000000000000000000000001  images/a.jpg\n" + line + "\n";

        var error = Assert.Throws<FormatException>(() => SampleCatalogManifest.Parse(new StringReader(text), "pins.sha256"));

        Assert.That(error!.Message, Does.StartWith("pins.sha256:2:").And.Contain(message));
    }

    [Test]
    public async Task A_download_the_server_keeps_failing_is_retried_then_reported_with_its_status_and_leaves_no_file()
    {
        await using var server = new LoopbackHttpServer((_, stream, ct) => LoopbackHttpServer.RespondAsync(stream, 503, [], ct));
        using var http = new HttpClient();
        var destination = Path.Combine(Path.GetTempPath(), $"imagesearch-{Guid.NewGuid():N}.zip");
        var downloader = new ArchiveDownloader(http, TextWriter.Null) { RetryDelay = TimeSpan.Zero };

        var error = await Assert.ThrowsAsync<SampleCatalogException>(() => downloader.FetchAsync(server.Url("/dataset.zip"), destination, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("/dataset.zip").And.Contain("503"));
        Assert.That(server.Requests, Has.Count.EqualTo(ArchiveDownloader.Attempts));
        Assert.That(File.Exists(destination) || File.Exists(destination + ".part"), Is.False);
    }

    [Test]
    public async Task When_a_source_fails_the_next_one_is_tried()
    {
        await using var server = new LoopbackHttpServer((request, stream, ct) => request.Target == "/by-short-hash.zip"
            ? LoopbackHttpServer.RespondAsync(stream, 200, "PK zip bytes"u8.ToArray(), ct)
            : LoopbackHttpServer.RespondAsync(stream, 404, [], ct));
        using var http = new HttpClient();
        var destination = Path.Combine(Path.GetTempPath(), $"imagesearch-{Guid.NewGuid():N}.zip");
        try
        {
            var fetched = await new ArchiveDownloader(http, TextWriter.Null)
                .FetchAsync([server.Url("/by-full-hash.zip"), server.Url("/by-short-hash.zip")], destination, CancellationToken.None);

            Assert.That(fetched, Is.True);
            Assert.That(File.ReadAllBytes(destination), Is.EqualTo("PK zip bytes"u8.ToArray()));
            Assert.That(server.Requests.Select(r => r.Target), Is.EqualTo(new[] { "/by-full-hash.zip", "/by-short-hash.zip" }), "a 404 is not retried");
        }
        finally
        {
            File.Delete(destination);
        }
    }

    [Test]
    public void The_tool_makes_the_catalog_from_a_file_url_and_fails_clearly_on_a_missing_one()
    {
        using var fixture = new UpstreamArchiveFixture();
        var photos = SomeMirrorPhotos(2);
        fixture.WriteManifest(photos);
        fixture.WriteArchive(photos);
        var archiveCopy = Path.Combine(fixture.Folder, "cache.zip");

        var made = EmbedCommandTests.RunTool("sample-catalog", "--source", new Uri(fixture.ArchivePath).AbsoluteUri,
            "--archive", archiveCopy, "--manifest", fixture.ManifestPath, "--out", fixture.OutputFolder);
        var missing = EmbedCommandTests.RunTool("sample-catalog", "--source", "file:///no/such/archive.zip",
            "--archive", Path.Combine(fixture.Folder, "other.zip"), "--manifest", fixture.ManifestPath, "--out", fixture.OutputFolder);

        Assert.That(made.ExitCode, Is.Zero, made.Error);
        Assert.That(File.ReadAllLines(Path.Combine(fixture.OutputFolder, "products.csv")), Has.Length.EqualTo(3));
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error, Does.StartWith("sample-catalog:").And.Contain("/no/such/archive.zip"));
    }

    [Test]
    public void The_tool_has_help_and_names_a_bad_argument()
    {
        var help = EmbedCommandTests.RunTool("sample-catalog", "--help");
        var bad = EmbedCommandTests.RunTool("sample-catalog", "--source", "not a url");

        Assert.That(help.ExitCode, Is.Zero);
        Assert.That(help.Output, Does.Contain("Usage:").And.Contain("--manifest"));
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.Error, Does.StartWith("sample-catalog:").And.Contain("--source must be an absolute URL"));
    }

    private static SampleCatalogResult Build(UpstreamArchiveFixture fixture)
    {
        using var upstream = UpstreamArchive.Open(fixture.ArchivePath);
        return new SampleCatalogBuilder(new ImageDecoder(), TextWriter.Null).Build(SampleCatalogManifest.Read(fixture.ManifestPath), upstream, fixture.OutputFolder);
    }

    private static List<UpstreamPhoto> SomeMirrorPhotos(int count) => UpstreamArchiveFixture.MirrorProducts()
        .Where((_, i) => i % 97 == 0).Take(count)
        .Select(p => new UpstreamPhoto(p.ImageId, p.Category, UpstreamArchiveFixture.MirrorPhoto(p.ImageId))).ToList();

    private static string PublishedCatalogSha256()
    {
        using var stream = File.OpenRead(Path.Combine(TestData.DatasetsFolder, "clothing", "products.csv"));
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ImageSearch.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException(string.Create(CultureInfo.InvariantCulture, $"No repository root above {AppContext.BaseDirectory}."));
    }
}
