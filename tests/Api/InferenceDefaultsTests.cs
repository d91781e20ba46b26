using ImageSearch.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageSearch.Tests.Api;

/// <summary>The service's inference defaults: one ONNX Runtime thread a search, since searches already run one per core.</summary>
public sealed class InferenceDefaultsTests
{
    [Test]
    public async Task Each_search_runs_its_inference_on_one_thread_unless_configured()
    {
        await using var factory = new ApiFactory();
        _ = factory.Server;

        var settings = factory.Services.GetRequiredService<IOptions<ImageSearchOptions>>().Value;
        Assert.That(settings.Inference.IntraOpNumThreads, Is.EqualTo(1));
        Assert.That(settings.ToEmbedderOptions().Inference.IntraOpNumThreads, Is.EqualTo(1));
    }

    [Test]
    public async Task Zero_gives_onnx_runtimes_own_thread_count_back()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["ImageSearch:Inference:IntraOpNumThreads"] = "0" });
        _ = factory.Server;

        Assert.That(factory.Services.GetRequiredService<IOptions<ImageSearchOptions>>().Value.Inference.IntraOpNumThreads, Is.Zero);
    }
}
