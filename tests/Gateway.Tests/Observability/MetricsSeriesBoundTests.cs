using System.Text.RegularExpressions;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Observability;

/// <summary>
/// No value a caller or a provider chooses becomes a series. A gateway process of its own (metrics are process-wide,
/// and the other tests' gateways here add series of their own) gets a few calls of every kind, then
/// <see cref="Distinct"/> more of each kind, each with a value never sent before: methods, paths, agencies and clients
/// in signed tokens, client ids at the token endpoint, purposes, Host headers, and status codes from the provider.
/// The labelled series it exports grow by a handful at most (a runtime state seen for the first time); an unbounded
/// label would add one series per value.
/// </summary>
public sealed partial class MetricsSeriesBoundTests : IAsyncLifetime
{
    private const int Warmup = 3;
    private const int Distinct = 150;
    private const int Slack = 10;

    // Every status class and outcome a provider's status can lead to, sent during the warm-up.
    private static readonly int[] WarmupStatuses = [200, 204, 302, 304, 400, 401, 403, 404, 429, 500, 503, 504];

    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task Distinct_methods_paths_agencies_clients_purposes_hosts_and_provider_statuses_leave_the_series_count_flat()
    {
        // Lock-outs by address would answer the unknown client ids unchecked after 30: here every one is checked.
        var gateway = await _workspace.StartProcessAsync("--Identity:ClientAuthentication:FailuresPerAddress=1000000");
        using var forge = new TokenForge(_workspace.DataDirectory, $"http://localhost:{gateway.DataPort}");
        var token = forge.Signed();
        // prometheus-net starts listening to .NET meters at the first scrape: what they measured before is not exported.
        await gateway.Admin.GetStringAsync("/metrics");
        foreach (var status in WarmupStatuses)
        {
            (await CallAsync(gateway.Data, HttpMethod.Get, $"/echo/status/{status}", token, "ekyc")).Dispose();
        }

        for (var i = 0; i < Warmup; i++)
        {
            await SendEveryKindAsync(gateway, forge, token, i);
        }

        var before = LabelledSeries(await gateway.Admin.GetStringAsync("/metrics"));
        for (var i = Warmup; i < Warmup + Distinct; i++)
        {
            await SendEveryKindAsync(gateway, forge, token, i);
        }

        var added = LabelledSeries(await gateway.Admin.GetStringAsync("/metrics")).Except(before).Order(StringComparer.Ordinal).ToList();
        Assert.True(added.Count <= Slack, $"{added.Count} new series after {Distinct} distinct values of each kind:\n{string.Join('\n', added)}");
    }

    private static async Task SendEveryKindAsync(GatewayProcess gateway, TokenForge forge, string token, int i)
    {
        var data = gateway.Data;
        // From 200 to 599, a different one each time (263 is prime to 400).
        var status = 200 + (i * 263 % 400);
        var answers = await Task.WhenAll(
            CallAsync(data, HttpMethod.Get, $"/echo/status/{status}", token, "ekyc"),
            CallAsync(data, new HttpMethod($"M{i}X"), "/echo/x", token, "ekyc"),
            CallAsync(data, HttpMethod.Get, $"/junk{i}/v{i}/x", token),
            CallAsync(data, HttpMethod.Get, "/echo/x", forge.Signed(clientId: $"ghost-{i}", agency: $"GHOST{i}"), "ekyc"),
            CallAsync(data, HttpMethod.Get, "/echo/x", token, $"purpose-{i}"),
            CallAsync(data, HttpMethod.Get, "/echo/x", $"garbage-{i}"),
            data.TokenResponseAsync($"ghost-{i}", "a-guess"),
            CallAsync(gateway.Admin, HttpMethod.Get, $"/admin/junk{i}", token: null),
            CallAsync(gateway.Admin, HttpMethod.Get, $"/openapi/v{i}.json", token: null),
            CallAsync(gateway.Admin, new HttpMethod($"M{i}X"), "/metrics", token: null));
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    // Each call names a host of its own.
    private static Task<HttpResponseMessage> CallAsync(HttpClient client, HttpMethod method, string path, string? token, string? purpose = null) =>
        client.CallAsync(method, path, token, purpose, request => request.Headers.Host = $"host-{Guid.NewGuid():N}.example");

    /// <summary>
    /// The series with labels, a histogram counted once (not per bucket). An unlabelled series is one per metric
    /// whatever the traffic, and the runtime's event counters appear as such a few seconds after the first scrape.
    /// </summary>
    private static HashSet<string> LabelledSeries(string metrics) =>
    [
        .. metrics.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => HistogramPart().Replace(line[..line.LastIndexOf(' ')], ""))
            .Select(series => series.Replace("{,", "{", StringComparison.Ordinal).Replace("{}", "", StringComparison.Ordinal))
            .Where(series => series.Contains('{', StringComparison.Ordinal)),
    ];

    [GeneratedRegex("_(bucket|sum|count)(?=\\{|$)|,?le=\"[^\"]*\"")]
    private static partial Regex HistogramPart();
}
