using System.Net.Sockets;
using System.Text;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Observability;

/// <summary>
/// The summary log, the metrics and metering record the status the caller was actually sent, also when Kestrel
/// refused the request or the caller went away, where every step used to read the 200 of a response never written.
/// </summary>
public sealed class StatusSentTests : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _gateway = await _workspace.StartGatewayAsync(TestGateway.LogToFile(Log));
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    private string Log => Path.Combine(_workspace.Directory, "gateway.log");

    [Fact]
    public async Task An_oversized_declared_token_form_is_summarised_and_counted_as_the_413_it_got()
    {
        var before = await Requests("4xx", "client_error");

        var answer = await RawHttp.SendAsync(_gateway.DataPort,
            "POST /connect/token HTTP/1.1\r\nHost: gateway.test\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
            "Content-Length: 104857600\r\nConnection: close\r\n\r\ngrant_type=client_credentials");

        Assert.Equal(413, answer.Status);
        var summary = await SummaryAsync(line => line.Contains("\"Status\":413", StringComparison.Ordinal));
        Assert.Contains("\"Outcome\":\"client_error\",\"Problem\":\"request-body-too-large\"", summary, StringComparison.Ordinal);
        // Metrics are process-wide and other tests' gateways request tokens meanwhile: at least this 413 was counted
        // as a 4xx (a 413 counted as 2xx ok, as before, leaves this series where it was when nothing else moves it).
        Assert.True(await Requests("4xx", "client_error") >= before + 1, "the 413 was not counted as a 4xx client_error");
    }

    [Fact]
    public async Task An_upload_the_caller_abandons_is_recorded_as_aborted_with_no_status_sent_in_log_metrics_and_usage()
    {
        var token = await _gateway.Data.TokenAsync("mtr-app");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var aborted = await Requests("4xx", "aborted");

        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", _gateway.DataPort);
            var stream = client.GetStream();
            var head = $"POST /echo/upload HTTP/1.1\r\nHost: gateway.test\r\nAuthorization: Bearer {token}\r\nX-Purpose: audit\r\n" +
                "Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(new byte[1000]);
            await stream.FlushAsync();
            // Wait until the gateway is forwarding the body (the provider has begun to receive it), then leave.
            await Poll.UntilAsync(() => Task.FromResult(_workspace.Upstream.Received.Contains("/echo/upload")), "the provider receiving the upload");
            client.Client.LingerState = new LingerOption(true, 0);
        }

        var record = Assert.Single(await _gateway.StoredRecordsAsync("MTR", since, r => r.Count >= 1));
        Assert.Equal(499, record.Status);
        Assert.Equal(Ndxp.Gateway.Problems.Outcome.Aborted, record.Outcome);
        var summary = await SummaryAsync(line => line.Contains(record.TransactionId, StringComparison.Ordinal));
        Assert.Contains("\"Status\":499,\"Outcome\":\"aborted\"", summary, StringComparison.Ordinal);
        Assert.Equal(aborted + 1, await Requests("4xx", "aborted"));
    }

    private Task<double> Requests(string statusClass, string outcome) =>
        MetricsText.ValueAsync(_gateway.Admin, "ndxp_gateway_requests_total",
            ("service", outcome == "aborted" ? "echo" : "none"), ("agency", outcome == "aborted" ? "MTR" : "none"), ("method", "POST"), ("status_class", statusClass), ("outcome", outcome));

    private async Task<string> SummaryAsync(Func<string, bool> match)
    {
        string? found = null;
        await Poll.UntilAsync(async () =>
        {
            found = (await LogFile.ReadAsync(Log)).Split('\n').FirstOrDefault(l => l.Contains("\"Id\":5001", StringComparison.Ordinal) && match(l));
            return found is not null;
        }, "the call's summary line");
        return found!;
    }
}
