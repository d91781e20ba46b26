using System.Security.Cryptography;
using System.Text;
using ImageSearch.Core.Fetching;
using static ImageSearch.Tests.Fetching.FetchTestKit;

namespace ImageSearch.Tests.Fetching;

public sealed class DiskImageCacheTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Path.Combine(Path.GetTempPath(), $"imagesearch-cache-{Guid.NewGuid():N}");

    [TearDown]
    public void DeleteDirectory()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public void Bytes_put_are_the_bytes_got()
    {
        var cache = new DiskImageCache(_directory);
        var url = new Uri("https://cdn.example.com/p/1.jpg?w=800");
        cache.Put(url, Image);
        Assert.Multiple(() =>
        {
            Assert.That(cache.TryGet(url, out var content), Is.True);
            Assert.That(content, Is.EqualTo(Image));
        });
    }

    [Test]
    public void An_unknown_url_is_a_miss()
    {
        var cache = new DiskImageCache(_directory);
        Assert.Multiple(() =>
        {
            Assert.That(cache.TryGet(new Uri("https://cdn.example.com/never.jpg"), out var content), Is.False);
            Assert.That(content, Is.Null);
        });
    }

    [Test]
    public void Files_are_named_by_the_sha256_of_the_url()
    {
        var cache = new DiskImageCache(_directory);
        var url = new Uri("https://cdn.example.com/p/1.jpg?w=800");
        cache.Put(url, Image);
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("https://cdn.example.com/p/1.jpg?w=800")));
        Assert.That(Directory.GetFiles(_directory).Select(Path.GetFileName), Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void The_query_is_part_of_the_key_and_the_fragment_is_not()
    {
        var cache = new DiskImageCache(_directory);
        cache.Put(new Uri("https://cdn.example.com/a.jpg?w=1#top"), [1]);
        cache.Put(new Uri("https://cdn.example.com/a.jpg?w=2"), [2]);
        Assert.Multiple(() =>
        {
            Assert.That(cache.TryGet(new Uri("https://cdn.example.com/a.jpg?w=1"), out var one), Is.True);
            Assert.That(one, Is.EqualTo(new byte[] { 1 }));
            Assert.That(cache.TryGet(new Uri("https://cdn.example.com/a.jpg?w=2#x"), out var two), Is.True);
            Assert.That(two, Is.EqualTo(new byte[] { 2 }));
            Assert.That(cache.TryGet(new Uri("https://cdn.example.com/a.jpg"), out _), Is.False);
        });
    }

    [Test]
    public void Putting_again_replaces_the_whole_file_and_leaves_no_temporary_files()
    {
        var cache = new DiskImageCache(_directory);
        var url = new Uri("https://cdn.example.com/a.jpg");
        cache.Put(url, new byte[5000]);
        cache.Put(url, [7, 7, 7]);
        Assert.Multiple(() =>
        {
            Assert.That(cache.TryGet(url, out var content), Is.True);
            Assert.That(content, Is.EqualTo(new byte[] { 7, 7, 7 }));
            Assert.That(Directory.GetFiles(_directory), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void Concurrent_puts_of_one_url_leave_one_whole_file_and_no_temporary_files()
    {
        var cache = new DiskImageCache(_directory);
        var url = new Uri("https://cdn.example.com/contended.jpg");
        var readers = 0;
        Parallel.For(0, 64, i =>
        {
            // Writer i writes (i + 1) * 1000 bytes of the value i; a reader must only ever see one writer's whole file.
            cache.Put(url, Enumerable.Repeat((byte)i, (i + 1) * 1000).ToArray());
            if (cache.TryGet(url, out var seen))
            {
                Interlocked.Increment(ref readers);
                Assert.That(seen, Has.Length.EqualTo((seen[0] + 1) * 1000).And.All.EqualTo(seen[0]));
            }
        });
        Assert.Multiple(() =>
        {
            Assert.That(readers, Is.EqualTo(64));
            Assert.That(Directory.GetFiles(_directory), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void A_failed_put_leaves_no_temporary_file()
    {
        var cache = new DiskImageCache(_directory);
        var url = new Uri("https://cdn.example.com/blocked.jpg");
        Directory.CreateDirectory(cache.PathFor(url)); // a directory where the file should go: the rename fails
        Assert.Multiple(() =>
        {
            Assert.That(() => cache.Put(url, Image), Throws.InstanceOf<IOException>().Or.InstanceOf<UnauthorizedAccessException>());
            Assert.That(Directory.GetFiles(_directory), Is.Empty);
        });
    }

    [Test]
    public async Task The_caching_fetcher_downloads_once()
    {
        await using var server = LoopbackHttpServer.Serving(Image);
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var caching = new CachingImageFetcher(fetcher, new DiskImageCache(_directory));
        var first = await caching.FetchAsync(server.Url("/a.jpg"), CancellationToken.None);
        var second = await caching.FetchAsync(server.Url("/a.jpg"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(first.Content.ToArray(), Is.EqualTo(Image));
            Assert.That(second.Content.ToArray(), Is.EqualTo(Image));
            Assert.That(server.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Failures_are_not_cached()
    {
        var calls = 0;
        await using var server = new LoopbackHttpServer((_, s, ct) => Interlocked.Increment(ref calls) == 1
            ? LoopbackHttpServer.RespondAsync(s, 404, [], ct)
            : LoopbackHttpServer.RespondAsync(s, 200, Image, ct));
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var caching = new CachingImageFetcher(fetcher, new DiskImageCache(_directory));
        var e = await FailsAsync(caching, server.Url("/a.jpg"));
        var image = await caching.FetchAsync(server.Url("/a.jpg"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UpstreamError));
            Assert.That(image.Content.ToArray(), Is.EqualTo(Image));
        });
    }
}
