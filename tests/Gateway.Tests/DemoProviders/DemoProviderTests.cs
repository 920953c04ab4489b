using System.Net;
using System.Text.Json;
using Ndxp.Gateway.DemoProviders;
using Ndxp.Gateway.DemoProviders.Population;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.DemoProviders;

public sealed class DemoProviderTests : IAsyncLifetime
{
    private readonly string _url = $"http://127.0.0.1:{FreePort.Next()}";
    private WebApplication? _app;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = DemoProviderApp.Build([], _url);
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_url) };
    }

    [Theory]
    [InlineData("/population/v1/citizens/001099012345")]
    [InlineData("/enterprise/v1/enterprises/0109999001")]
    [InlineData("/enterprise/v1/enterprises/0100109106")]
    [InlineData("/insurance/v1/participants/0199012345/status")]
    public async Task Well_known_records_are_found_and_marked_synthetic(string path)
    {
        using var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"synthetic\":true", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/population/v1/citizens/999999999999")]
    [InlineData("/enterprise/v1/enterprises/0000000000")]
    [InlineData("/insurance/v1/participants/0000000000/status")]
    public async Task Unknown_ids_are_404_problems(string path)
    {
        using var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:ndxp:demo:problem:not-found", await ProblemTypeAsync(response));
    }

    [Theory]
    [InlineData("/population/v1/citizens/12345")]
    [InlineData("/enterprise/v1/enterprises/abc")]
    public async Task Malformed_ids_are_400_problems(string path)
    {
        using var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:ndxp:demo:problem:bad-identifier", await ProblemTypeAsync(response));
    }

    [Fact]
    public async Task Generated_population_is_deterministic_across_instances()
    {
        var first = CitizenDirectory.CreateDemo();
        var second = CitizenDirectory.CreateDemo();
        var someId = first.Ids.Order(StringComparer.Ordinal).Skip(100).First();

        Assert.True(first.Ids.Count > 9_000);
        Assert.Equal(first.Find(someId), second.Find(someId));
        using var response = await _client.GetAsync($"/population/v1/citizens/{someId}");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(first.Find(someId)!.FullName, json.RootElement.GetProperty("citizen").GetProperty("fullName").GetString());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static async Task<string?> ProblemTypeAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("type").GetString();
    }
}
