using System.Net;
using System.Text;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Metering;

[Collection(GatewayCollection.Name)]
public sealed class MeteringTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Every_call_by_an_identifiable_caller_yields_exactly_one_record_with_its_outcome()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        // A client no other test calls as: every record of it in the window is one of these calls.
        var token = await gateway.TokenAsync("mtr-count");
        var transactionIds = new List<string>();
        async Task CallAsync(string path, string? purpose, HttpStatusCode expected)
        {
            using var response = await gateway.CallAsync(HttpMethod.Get, path, token, purpose);
            Assert.Equal(expected, response.StatusCode);
            transactionIds.Add(response.Headers.GetValues("X-Transaction-Id").Single());
        }

        for (var i = 0; i < 5; i++)
        {
            await CallAsync("/population/v1/citizens/001099012345", "audit", HttpStatusCode.OK);
        }

        await CallAsync("/population/v1/citizens/001099012345", null, HttpStatusCode.Forbidden);
        await CallAsync("/population/v1/citizens/001099012345", "marketing", HttpStatusCode.Forbidden);
        await CallAsync("/population/v1/citizens/999999999999", "audit", HttpStatusCode.NotFound);
        await CallAsync("/dead/x", null, HttpStatusCode.BadGateway);
        await CallAsync("/enterprise/v1/enterprises/0109999001", null, HttpStatusCode.Forbidden);

        var records = (await WaitForRecordsAsync("MTR", since, transactionIds.Count, "mtr-count")).ToList();

        Assert.Equal(transactionIds.Order(StringComparer.Ordinal), records.Select(r => r.TransactionId).Order(StringComparer.Ordinal));
        Assert.Equal(5, records.Count(r => r.Outcome == Outcome.Ok));
        Assert.Equal(3, records.Count(r => r.Outcome == Outcome.Forbidden));
        Assert.Equal(1, records.Count(r => r.Outcome == Outcome.ClientError && r.Status == 404));
        Assert.Equal(1, records.Count(r => r.Outcome == Outcome.UpstreamError && r.Status == 502));
    }

    [Fact]
    public async Task Record_carries_service_version_grant_purpose_bytes_and_latencies()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var token = await gateway.TokenAsync("mtr-app");
        var body = new string('x', 1234);
        using var response = await gateway.CallAsync(HttpMethod.Post, "/echo/data", token, "audit",
            r => r.Content = new StringContent(body, Encoding.UTF8, "text/plain"));
        var answer = await response.Content.ReadAsByteArrayAsync();
        var transactionId = response.Headers.GetValues("X-Transaction-Id").Single();

        var record = Assert.Single(await WaitForRecordsAsync("MTR", since, 1, "mtr-app"), r => r.TransactionId == transactionId);

        Assert.Equal("echo", record.Service);
        Assert.Equal("v1", record.ServiceVersion);
        Assert.Equal("mtr-echo", record.Grant);
        Assert.Equal("POST", record.Method);
        Assert.Equal(200, record.Status);
        Assert.Equal("audit", record.Purpose);
        Assert.Equal(1234, record.RequestBytes);
        Assert.Equal(answer.Length, record.ResponseBytes);
        Assert.InRange(record.UpstreamLatencyMs!.Value, 0.001, record.LatencyMs);
        Assert.InRange(record.Timestamp, since, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Calls_without_an_identifiable_caller_are_not_metered()
    {
        // No slack before the window: the collection's tests run one at a time, so every record in it is this test's.
        var since = DateTimeOffset.UtcNow;
        using var anonymous = await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token: null, "audit");
        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Unauthorized, "token-missing");
        var token = await gateway.TokenAsync("mtr-app");
        using var identified = await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "audit");
        var identifiedId = identified.Headers.GetValues("X-Transaction-Id").Single();

        // Once the identified call (made after the anonymous one) is stored and nothing is left to write, the anonymous
        // one would be stored too if it were metered: the window, of every agency, holds the identified call alone.
        await WaitForRecordsAsync("MTR", since, 1, "mtr-app");
        var all = await gateway.Services.GetRequiredService<IUsageStore>().CountRecordsAsync(since, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        Assert.Equal(1, all);
    }

    [Fact]
    public async Task Stored_usage_never_holds_the_citizen_id_or_the_query_string()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var token = await gateway.TokenAsync("mtr-app");
        // Province 098 is never generated: the provider answers 404, but the call is metered all the same.
        var citizenId = "0980" + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var response = await gateway.CallAsync(HttpMethod.Get, $"/population/v1/citizens/{citizenId}?q={citizenId}", token, "audit");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var transactionId = response.Headers.GetValues("X-Transaction-Id").Single();

        // This call is stored before the files are searched: a record never written could not hold the id either.
        var records = await gateway.Gateway.StoredRecordsAsync("MTR", since, r => r.Any(record => record.TransactionId == transactionId));
        Assert.Contains(records, r => r.TransactionId == transactionId && r.Status == 404);

        foreach (var file in Directory.GetFiles(gateway.DataDirectory, "gateway.db*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            Assert.DoesNotContain(citizenId, Encoding.ASCII.GetString(memory.ToArray()), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metering_is_visible_in_prometheus_metrics_on_the_admin_port()
    {
        const string Metered = "ndxp_gateway_metered_calls_total{agency=\"MTM\",service=\"population\",outcome=\"ok\"}";
        var before = MetricsText.ValueOf(await gateway.Admin.GetStringAsync("/metrics"), Metered) ?? 0;
        var token = await gateway.TokenAsync("mtm-app");
        using (var call = await gateway.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "audit"))
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        // Metrics are process-wide: MTM is an agency no other test calls as, so the series grew by this call alone.
        var metrics = await Poll.UntilAsync(() => gateway.Admin.GetStringAsync("/metrics"), m => MetricsText.ValueOf(m, Metered) >= before + 1);

        Assert.Equal(before + 1, MetricsText.ValueOf(metrics, Metered));
        Assert.Contains("ndxp_gateway_metering_backlog_records ", metrics, StringComparison.Ordinal);
        Assert.Contains("ndxp_gateway_metering_flush_duration_seconds_count ", metrics, StringComparison.Ordinal);
        Assert.Contains("ndxp_gateway_metering_flush_failures_total ", metrics, StringComparison.Ordinal);
        Assert.Contains("ndxp_gateway_metering_spool_bytes ", metrics, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<UsageRecord>> WaitForRecordsAsync(string agency, DateTimeOffset since, int expected, string? client = null)
    {
        bool Mine(UsageRecord record) => client is null || record.Client == client;
        return [.. (await gateway.Gateway.StoredRecordsAsync(agency, since, records => records.Count(Mine) >= expected)).Where(Mine)];
    }
}
