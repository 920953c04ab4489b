using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Metering;

[Collection(GatewayCollection.Name)]
public sealed class UsageApiTests(GatewayFixture gateway)
{
    // Fixed once per test, and wide enough that a test running across midnight UTC still finds its calls in it.
    private readonly string _from = Format(DateTime.UtcNow.Date.AddDays(-1));
    private readonly string _to = Format(DateTime.UtcNow.Date.AddDays(2));

    [Fact]
    public async Task Operator_sees_calls_counted_by_day_agency_client_service_and_outcome()
    {
        var query = $"/admin/v1/usage?agency=MTR&client=mtr-other&from={_from}&to={_to}&groupBy=day";
        var before = await OkCountAsync(query);
        var token = await gateway.TokenAsync("mtr-other");
        for (var i = 0; i < 7; i++)
        {
            using var response = await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "audit");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(before + 7, await Poll.UntilAsync(() => OkCountAsync(query), after => after >= before + 7));
        using var json = await GetJsonAsync(query);
        // One row per UTC day (two if the calls straddled midnight), each a whole day of this client's calls.
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("outcome").GetString() == "ok").ToList();
        Assert.InRange(rows.Count, 1, 3);
        Assert.All(rows, row =>
        {
            Assert.Equal("MTR", row.GetProperty("agency").GetString());
            Assert.Equal("mtr-other", row.GetProperty("client").GetString());
            Assert.Equal("population", row.GetProperty("service").GetString());
            var period = row.GetProperty("period").GetDateTimeOffset().UtcDateTime;
            Assert.Equal(period.Date, period);
            Assert.InRange(period, DateTime.UtcNow.Date.AddDays(-1), DateTime.UtcNow.Date);
            Assert.True(row.GetProperty("responseBytes").GetInt64() > 0);
        });
        Assert.Equal("UTC", json.RootElement.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task Operator_gets_csv_when_asking_for_it()
    {
        var query = $"/admin/v1/usage?agency=MTR&client=mtr-app&from={_from}&to={_to}";
        var before = await OkCountAsync(query);
        var token = await gateway.TokenAsync("mtr-app");
        // The call's hour, read on both sides of it: a call made as an hour ends is in one of the two.
        var hourBefore = HourlyUsage.HourOf(DateTimeOffset.UtcNow);
        using (var call = await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "audit"))
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        DateTimeOffset[] hours = [hourBefore, HourlyUsage.HourOf(DateTimeOffset.UtcNow)];
        await Poll.UntilAsync(async () => await OkCountAsync(query) > before, "the call in the usage report");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/v1/usage?from={_from}&to={_to}&groupBy=hour");
        request.Headers.Authorization = new("Bearer", await gateway.TokenAsync("ops-console"));
        request.Headers.Accept.ParseAdd("text/csv");
        using var response = await gateway.Admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("period,agency,client,service,outcome,count,", lines[0], StringComparison.Ordinal);
        // The call above is in it, in a row of its hour, under the same columns.
        var row = lines.Skip(1).FirstOrDefault(l => l.Contains(",MTR,mtr-app,population,ok,", StringComparison.Ordinal)
            && hours.Contains(DateTimeOffset.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(row is not null, $"no row of {string.Join(" or ", hours)}: {string.Join(" | ", lines)}");
        Assert.Equal(lines[0].Split(',').Length, row.Split(',').Length);
        Assert.True(long.Parse(row.Split(',')[5], System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task Consumer_token_is_refused_on_the_admin_usage_endpoint()
    {
        using var response = await SendAdminAsync($"/admin/v1/usage?from={_from}&to={_to}", await gateway.TokenAsync("vcb-ekyc"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "operator-role-required");
    }

    [Fact]
    public async Task Admin_usage_without_a_token_is_401()
    {
        using var response = await SendAdminAsync($"/admin/v1/usage?from={_from}&to={_to}", token: null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-missing");
    }

    [Fact]
    public async Task Admin_usage_is_not_served_on_the_data_port()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, $"/admin/v1/usage?from={_from}&to={_to}", await gateway.TokenAsync("ops-console"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "route-not-found");
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
        var vcbQuery = $"/admin/v1/usage?agency=VCB&from={_from}&to={_to}";
        var vcbBefore = await OkCountAsync(vcbQuery);
        using (await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "audit"))
        using (await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", await gateway.TokenAsync("vcb-ekyc"), "ekyc"))
        {
        }

        // The other agency's call is stored (the operator sees it) before its absence from MTR's own view is checked.
        await Poll.UntilAsync(async () => await OkCountAsync(vcbQuery) > vcbBefore, "VCB's call in the operator's report");
        using var response = await gateway.CallAsync(HttpMethod.Get, $"/usage/v1/me?from={_from}&to={_to}&groupBy=day", token);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var agencies = json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("agency").GetString()).Distinct().ToList();
        Assert.Equal(["MTR"], agencies);
    }

    [Fact]
    public async Task Agency_asking_for_another_agencys_usage_is_refused()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, $"/usage/v1/me?agency=VCB&from={_from}&to={_to}", await gateway.TokenAsync("mtr-app"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "operator-role-required");
    }

    [Fact]
    public async Task Own_usage_without_a_token_is_401()
    {
        using var response = await gateway.CallAsync(HttpMethod.Get, "/usage/v1/me", token: null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token-missing");
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

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
