using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Metering;

[Collection(GatewayCollection.Name)]
public sealed class UsageApiTests(GatewayFixture gateway)
{
    private static string Today => DateTime.UtcNow.Date.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static string Tomorrow => DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Operator_sees_calls_counted_by_day_agency_client_service_and_outcome()
    {
        var query = $"/admin/v1/usage?agency=MTR&client=mtr-other&from={Today}&to={Tomorrow}&groupBy=day";
        var before = await OkCountAsync(query);
        var token = await gateway.TokenAsync("mtr-other");
        for (var i = 0; i < 7; i++)
        {
            using var response = await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "audit");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(before + 7, await Poll.UntilAsync(() => OkCountAsync(query), after => after >= before + 7));
        using var json = await GetJsonAsync(query);
        var row = json.RootElement.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("outcome").GetString() == "ok");
        Assert.Equal("MTR", row.GetProperty("agency").GetString());
        Assert.Equal("mtr-other", row.GetProperty("client").GetString());
        Assert.Equal("population", row.GetProperty("service").GetString());
        Assert.Equal(Today, row.GetProperty("period").GetDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(row.GetProperty("responseBytes").GetInt64() > 0);
        Assert.Equal("UTC", json.RootElement.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task Operator_gets_csv_when_asking_for_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/v1/usage?from={Today}&to={Tomorrow}&groupBy=hour");
        request.Headers.Authorization = new("Bearer", await gateway.TokenAsync("ops-console"));
        request.Headers.Accept.ParseAdd("text/csv");
        using var response = await gateway.Admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("period,agency,client,service,outcome,count,", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consumer_token_is_refused_on_the_admin_usage_endpoint()
    {
        using var response = await SendAdminAsync($"/admin/v1/usage?from={Today}&to={Tomorrow}", await gateway.TokenAsync("vcb-ekyc"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "operator-role-required");
    }

    [Fact]
    public async Task Admin_usage_without_a_token_is_401()
    {
        using var response = await SendAdminAsync($"/admin/v1/usage?from={Today}&to={Tomorrow}", token: null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-missing");
    }

    [Fact]
    public async Task Admin_usage_is_not_served_on_the_data_port()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, $"/admin/v1/usage?from={Today}&to={Tomorrow}", await gateway.TokenAsync("ops-console"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("from=yesterday&to=2026-11-24T00:00:00Z", "from")]
    [InlineData("from=2026-11-23T00:00:00&to=2026-11-24T00:00:00Z", "from")]
    [InlineData("from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z", "from")]
    [InlineData("from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    [InlineData("groupBy=week", "groupBy")]
    [InlineData("outcome=great", "outcome")]
    public async Task Malformed_query_is_400_naming_the_parameter(string query, string parameter)
    {
        using var response = await SendAdminAsync("/admin/v1/usage?" + query, await gateway.TokenAsync("ops-console"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid-query");
        Assert.StartsWith(parameter + ":", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agency_sees_only_its_own_usage_on_the_data_plane()
    {
        var token = await gateway.TokenAsync("mtr-app");
        using (await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "audit"))
        using (await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", await gateway.TokenAsync("vcb-ekyc"), "ekyc"))
        {
        }

        await Task.Delay(TimeSpan.FromSeconds(0.6));
        using var response = await gateway.CallAsync(HttpMethod.Get, $"/usage/v1/me?from={Today}&to={Tomorrow}&groupBy=day", token);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var agencies = json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("agency").GetString()).Distinct().ToList();
        Assert.Equal(["MTR"], agencies);
    }

    [Fact]
    public async Task Agency_asking_for_another_agencys_usage_is_refused()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, $"/usage/v1/me?agency=VCB&from={Today}&to={Tomorrow}", await gateway.TokenAsync("mtr-app"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "operator-role-required");
    }

    [Fact]
    public async Task Own_usage_without_a_token_is_401()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, "/usage/v1/me", token: null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-missing");
    }

    private async Task<long> OkCountAsync(string query)
    {
        using var json = await GetJsonAsync(query);
        return json.RootElement.GetProperty("rows").EnumerateArray()
            .Where(r => r.GetProperty("outcome").GetString() == "ok")
            .Sum(r => r.GetProperty("count").GetInt64());
    }

    private async Task<JsonDocument> GetJsonAsync(string query)
    {
        using var response = await SendAdminAsync(query, await gateway.TokenAsync("ops-console"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> SendAdminAsync(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return gateway.Admin.SendAsync(request);
    }
}
