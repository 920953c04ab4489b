using System.Net;
using System.Text;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Observability;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Observability;

/// <summary>
/// What a call leaves behind has a documented maximum size whatever the caller sends (README, "Usage"): a stored usage
/// record at most <see cref="MaxValueBytes"/> of values, a summary line at most <see cref="CallSummaryMaxBytes"/>, and
/// no logged string longer than <see cref="ObservabilityOptions.LogStringMaxLength"/>.
/// </summary>
public sealed class BoundedRecordsTests : IAsyncLifetime
{
    // Every text of a record is bounded before it is stored (transaction id 32, agency code 32, client, service and
    // grant ids 64 each, version 32, method 7, purpose 64: 359, all ASCII) and its seven numbers take 48.
    private const int MaxValueBytes = 407;

    // A summary line (event 5001, compact JSON) with every value at its longest.
    private const int CallSummaryMaxBytes = 2048;

    // Every registered value at the longest the registry accepts.
    private static readonly string Agency = new('A', 32);
    private static readonly string Client = new('c', 64);
    private static readonly string Service = new('s', 64);
    private static readonly string Grant = new('g', 64);
    private static readonly string Version = new('v', 32);
    private static readonly string Purpose = new('p', 64);

    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    private string Log => Path.Combine(_workspace.Directory, "gateway.log");

    [Fact]
    public async Task A_call_with_every_value_at_its_longest_stores_a_record_and_logs_a_summary_within_their_documented_sizes()
    {
        var registry = _workspace.Registry;
        registry = registry with
        {
            Agencies = [.. registry.Agencies, new Agency { Code = Agency, Name = "An agency with the longest code", Kind = AgencyKind.Other }],
            Clients = [.. registry.Clients, new Client { Id = Client, Agency = Agency, SecretHash = TestRegistry.SecretHash }],
            Services = [.. registry.Services, new Service { Id = Service, Provider = "BCA", Version = Version, PathPrefix = "/longest", Destinations = [_workspace.UpstreamUrl], PersonalData = true }],
            Grants = [.. registry.Grants, new Grant { Id = Grant, ConsumerAgency = Agency, Service = Service, Purposes = [Purpose] }],
        };
        var gateway = await _workspace.StartGatewayAsync(registry, TestGateway.LogToFile(Log));
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var token = await gateway.Data.TokenAsync(Client);

        using var admitted = await gateway.Data.CallAsync(HttpMethod.Get, "/longest/x", token, Purpose);
        using var tooLong = await gateway.Data.CallAsync(HttpMethod.Get, "/longest/x", token, Purpose + "p");

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        await ProblemAssert.IsProblemAsync(tooLong, HttpStatusCode.BadRequest, "purpose-invalid");
        var records = await gateway.StoredRecordsAsync(Agency, since, r => r.Count == 2);
        Assert.All(records, r => Assert.InRange(ValueBytes(r), 0, MaxValueBytes));
        Assert.Equal(MaxValueBytes - "OPTIONS".Length + "GET".Length, ValueBytes(records.Single(r => r.Purpose is not null)));

        string[] summaries = [];
        await Poll.UntilAsync(async () =>
        {
            summaries = [.. (await LogFile.ReadAsync(Log)).Split('\n').Where(l => l.Contains("\"Id\":5001", StringComparison.Ordinal) && l.Contains(Client, StringComparison.Ordinal))];
            return summaries.Length == 2;
        }, "both calls' summaries");
        Assert.All(summaries, line => Assert.InRange(Encoding.UTF8.GetByteCount(line), 0, CallSummaryMaxBytes));
    }

    [Fact]
    public async Task A_caller_chosen_string_is_cut_to_the_logged_string_cap_in_every_event_even_the_frameworks()
    {
        // Framework events reach the file through the same pipeline as the gateway's own (LogToFile logs as when
        // debugging). ASP.NET Core's "Request starting", which carried the method as the caller sent it, is off in the
        // gateway (Observability/RequestActivities), so a framework category logs a caller's 5,000-character method
        // here the way that event did.
        var gateway = await _workspace.StartGatewayAsync(TestGateway.LogToFile(Log));
        var method = new string('M', 5000);
        var answer = await RawHttp.SendAsync(gateway.DataPort, $"{method} /echo/x HTTP/1.1\r\nHost: gateway.test\r\nConnection: close\r\n\r\n");
        Assert.NotEqual(0, answer.Status);
        var framework = gateway.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Server.Kestrel");
#pragma warning disable CA1848, CA1873, CA2254 // A framework-style event with a caller's value, as ASP.NET Core logs it.
        framework.LogInformation("Request starting {Protocol} {Method} {Scheme}://{Host}{PathBase}{Path}{QueryString}", "HTTP/1.1", method, "http", "gateway.test", "", "/echo/x", "");
#pragma warning restore CA1848, CA1873, CA2254

        string[] lines = [];
        await Poll.UntilAsync(async () =>
        {
            lines = [.. (await LogFile.ReadAsync(Log)).Split('\n').Where(l => l.Contains(new string('M', 100), StringComparison.Ordinal))];
            return lines.Length > 0;
        }, "an event that carries the method");
        Assert.All(lines, line => Assert.DoesNotContain(new string('M', ObservabilityOptions.LogStringMaxLength + 1), line, StringComparison.Ordinal));
    }

    // The bytes of a record's values as stored: its texts (all ASCII) and 8 bytes per number but status and outcome (4).
    private static int ValueBytes(UsageRecord record) =>
        new[] { record.TransactionId, record.Agency, record.Client, record.Service, record.ServiceVersion, record.Grant, record.Method, record.Purpose }
            .Sum(text => Encoding.UTF8.GetByteCount(text ?? "")) + (5 * 8) + (2 * 4);
}
