using System.Text.Json;

namespace ImageSearch.Tests.Api;

/// <summary>
/// The API process's thread pool keeps one worker per core: each search holds a worker for milliseconds of CPU, and
/// hill climbing answered that with more workers than cores, whose short HTTP work then preempted running inferences.
/// </summary>
public sealed class ThreadPoolDefaultsTests
{
    [Test]
    public void The_API_is_built_to_run_without_thread_pool_hill_climbing()
    {
        // The API project's runtimeconfig.json is copied next to the tests with its assembly.
        var path = Path.Combine(AppContext.BaseDirectory, "ImageSearch.Api.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));

        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.That(properties.GetProperty("System.Threading.ThreadPool.HillClimbing.Disable").GetBoolean(), Is.True);
    }
}
