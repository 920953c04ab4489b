using System.Net;
using System.Text.Json;
using Ndxp.Gateway.DemoProviders.Population;

namespace Ndxp.Gateway.Tests.DemoProviders;

public sealed class DemoProviderTests(DemoProvidersServer server) : IClassFixture<DemoProvidersServer>
{
    private readonly HttpClient _client = server.Client;

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

        await DemoProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_problem_names_the_transaction_the_gateway_forwarded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/population/v1/citizens/999999999999");
        request.Headers.Add("X-Transaction-Id", "0190f0c1a2b37000800000000000002a");

        using var response = await _client.SendAsync(request);

        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("0190f0c1a2b37000800000000000002a", problem.RootElement.GetProperty("transactionId").GetString());
    }

    [Theory]
    [InlineData("/population/v1/citizens/12345")]
    [InlineData("/enterprise/v1/enterprises/abc")]
    public async Task Malformed_ids_are_400_problems(string path)
    {
        using var response = await _client.GetAsync(path);

        await DemoProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-identifier");
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
}
