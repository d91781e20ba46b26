namespace ImageSearch.Tests.Api;

/// <summary>One API over the shared test catalog for a whole test class, and a client to call it.</summary>
public abstract class ApiTestFixture
{
    private protected ApiFactory Factory { get; private set; } = null!;

    private protected HttpClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartApi()
    {
        Factory = new ApiFactory();
        Client = Factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopApi()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
