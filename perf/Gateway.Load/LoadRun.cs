using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using HdrHistogram;

namespace Ndxp.Gateway.Load;

/// <summary>
/// One load run against the gateway: fetches the clients' tokens, then sends the mix's calls in the open model (at
/// their intended times, <see cref="OpenModelScheduler"/>) or the closed model (each virtual user sends its next
/// call when the previous one is answered), prints a progress line every second, and returns what the calls got.
/// All calls share one <see cref="SocketsHttpHandler"/>; every call ends within <see cref="LoadOptions.Timeout"/>.
/// </summary>
internal sealed class LoadRun : IAsyncDisposable
{
    private const int ProblemBodyLimit = 4096;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private readonly LoadOptions _options;
    private readonly TimeProvider _time;
    private readonly TextWriter _progress;
    private readonly HttpMessageHandler _handler;
    private readonly HttpClient _http;
    private readonly LookupTargets _targets;
    private readonly ConcurrentBag<CancellationTokenSource> _timeouts = [];
    private readonly LatencyRecorder _serviceTime = new();
    private readonly LatencyRecorder _lag = new();
    private readonly LongHistogram _overall = new(LatencyRecorder.HighestMicroseconds, 3);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<ClientToken> _tokens = [];
    private List<ScenarioBinding> _bindings = [];
    private long _sent;
    private long _answered;
    private long _errors;
    private long _started;
    private long _measuredFrom;
    private int _inFlight;
    private volatile bool _stopping;

    // handler: what calls go through, a test's fake in tests; else a pooled loopback-only SocketsHttpHandler.
    public LoadRun(LoadOptions options, TimeProvider time, TextWriter progress, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _progress = progress;
        _handler = handler ?? CreateHandler(options);
        _http = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        _targets = new LookupTargets(options.Target);
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Runs to the end of the schedule, <see cref="LoadOptions.MaxCalls"/> or <paramref name="cancel"/>.</summary>
    public async Task<RunResult> RunAsync(CancellationToken cancel)
    {
        await StartTokensAsync(cancel);
        var mix = new WeightedMix(_bindings);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var startedAt = _time.GetUtcNow();
        _started = _time.GetTimestamp();
        _measuredFrom = _started + (long)(_options.Warmup.TotalSeconds * _time.TimestampFrequency);
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var progress = ReportProgressAsync(stopProgress.Token);
        long scheduled;
        if (_options.Profile is { } profile)
        {
            var random = new Random(_options.Seed);
            var scheduler = new OpenModelScheduler(profile, _time, _options.Duration, _options.MaxCalls, intended => Launch(mix, random, intended));
            await scheduler.RunAsync(cancel);
            scheduled = scheduler.Scheduled;
        }
        else
        {
            scheduled = await RunClosedAsync(mix, cancel);
        }

        var stillInFlight = await DrainAsync();
        var elapsed = _time.GetElapsedTime(_started);
        await stopProgress.CancelAsync();
        await progress;
        DrainRecorders();
        return new RunResult(
            _options.Profile is null ? "closed" : "open", startedAt, elapsed, _bindings, scheduled, Sent, stillInFlight,
            _overall, _serviceTime.Total, _lag.Total, [.. _tokens.Select(t => (t.ClientId, t.Fetches))], Environment.CpuUsage.TotalTime - cpuBefore);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var token in _tokens)
        {
            await token.DisposeAsync();
        }

        _http.Dispose();
        _handler.Dispose();
        while (_timeouts.TryTake(out var timeout))
        {
            timeout.Dispose();
        }
    }

    private async Task StartTokensAsync(CancellationToken cancel)
    {
        var tokens = new Dictionary<string, ClientToken>(StringComparer.Ordinal);
        foreach (var entry in _options.Mix.Where(e => e.Weight > 0))
        {
            var scenario = ScenarioCatalog.Find(entry.Scenario)!;
            var clients = _options.Clients.Where(c => c.Scenarios.Contains(entry.Scenario)).ToList();
            foreach (var client in clients)
            {
                if (_options.Anonymous)
                {
                    _bindings.Add(new ScenarioBinding(scenario, client, null, entry.Weight / clients.Count));
                    continue;
                }

                if (!tokens.TryGetValue(client.Id, out var token))
                {
                    tokens[client.Id] = token = new ClientToken(client, _http, _options.Target, _time);
                    _tokens.Add(token);
                    // One at a time: the gateway checks chosen (PBKDF2) secrets one at a time with a short queue.
                    await token.StartAsync(cancel);
                }

                _bindings.Add(new ScenarioBinding(scenario, client, token, entry.Weight / clients.Count));
            }
        }
    }

    // On the scheduler's thread: must not block. A call that would pass the in-flight cap is counted, not sent.
    private void Launch(WeightedMix mix, Random random, long intended)
    {
        var binding = mix.Pick(random);
        if (Interlocked.Increment(ref _inFlight) > _options.MaxInFlight)
        {
            EndCall();
            binding.Stats.NotStart();
            Interlocked.Increment(ref _errors);
            return;
        }

        _ = CallAsync(binding, _targets.Pick(binding.Scenario.Lookup, random), intended);
    }

    private async Task<long> RunClosedAsync(WeightedMix mix, CancellationToken cancel)
    {
        var end = _started + (long)(_options.Duration.TotalSeconds * _time.TimestampFrequency);
        long taken = 0;
        var users = Enumerable.Range(0, _options.Connections!.Value).Select(user => Task.Run(async () =>
        {
            var random = new Random(_options.Seed + user);
            while (!cancel.IsCancellationRequested && _time.GetTimestamp() < end && Interlocked.Increment(ref taken) <= _options.MaxCalls)
            {
                var binding = mix.Pick(random);
                Interlocked.Increment(ref _inFlight);
                await CallAsync(binding, _targets.Pick(binding.Scenario.Lookup, random), _time.GetTimestamp());
            }
        }, CancellationToken.None));
        await Task.WhenAll(users);
        return Sent;
    }

    // Never throws: every way a call ends is counted on its binding.
    private async Task CallAsync(ScenarioBinding binding, Uri uri, long intended)
    {
        var sent = _time.GetTimestamp();
        var measured = intended >= _measuredFrom;
        Interlocked.Increment(ref _sent);
        if (measured)
        {
            _lag.Record(Micros(sent - intended));
        }

        if (!_timeouts.TryTake(out var timeout))
        {
            timeout = new CancellationTokenSource();
        }

        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (binding.Token is { } token)
            {
                request.Headers.Authorization = token.Current;
            }

            if (binding.Token is not null && binding.Scenario.Purpose is { } purpose)
            {
                request.Headers.TryAddWithoutValidation("X-Purpose", purpose);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            string? problemType = null;
            if (binding.Scenario.Expects(status))
            {
                await response.Content.CopyToAsync(Stream.Null, timeout.Token);
            }
            else
            {
                problemType = await ProblemTypeAsync(response, timeout.Token);
            }

            var done = _time.GetTimestamp();
            binding.Stats.Answer(status, Micros(done - intended), measured);
            if (measured)
            {
                _serviceTime.Record(Micros(done - sent));
            }

            Interlocked.Increment(ref _answered);
            if (!binding.Scenario.Expects(status))
            {
                binding.Stats.Unexpect(status, problemType);
                Interlocked.Increment(ref _errors);
            }
        }
        catch (OperationCanceledException)
        {
            binding.Stats.Fail(CallFailure.Timeout);
            Interlocked.Increment(ref _errors);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            binding.Stats.Fail(CallFailure.Transport);
            Interlocked.Increment(ref _errors);
        }
        finally
        {
            if (timeout.TryReset())
            {
                _timeouts.Add(timeout);
            }
            else
            {
                timeout.Dispose();
            }

            EndCall();
        }
    }

    private void EndCall()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _stopping)
        {
            _drained.TrySetResult();
        }
    }

    // The calls still running when the schedule ends get until their timeout (and a second) to finish; any left then
    // are counted as timed out, and disposing the run cancels them.
    private async Task<long> DrainAsync()
    {
        _stopping = true;
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        using var hardStop = new CancellationTokenSource(_options.Timeout + TimeSpan.FromSeconds(1), _time);
        try
        {
            await _drained.Task.WaitAsync(hardStop.Token);
            return 0;
        }
        catch (OperationCanceledException)
        {
            var left = Volatile.Read(ref _inFlight);
            Interlocked.Add(ref _errors, left);
            return left;
        }
    }

    private async Task ReportProgressAsync(CancellationToken stop)
    {
        if (!_options.Progress)
        {
            return;
        }

        using var timer = new PeriodicTimer(ProgressInterval, _time);
        long lastSent = 0;
        var lastTime = _started;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                DrainRecorders();
                var now = _time.GetTimestamp();
                var sent = Sent;
                var rate = (sent - lastSent) / _time.GetElapsedTime(lastTime, now).TotalSeconds;
                (lastSent, lastTime) = (sent, now);
                var p99 = _overall.TotalCount == 0 ? 0 : _overall.GetValueAtPercentile(99) / 1000.0;
                await _progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{_time.GetElapsedTime(_started).TotalSeconds,6:0.0}s  sent {sent,9}  answered {Interlocked.Read(ref _answered),9}  rate {rate,7:0}/s  in-flight {InFlight,5}  errors {Interlocked.Read(ref _errors),7}  p99 {p99:0.000} ms"));
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private void DrainRecorders()
    {
        lock (_overall)
        {
            foreach (var binding in _bindings)
            {
                binding.Stats.Latency.Drain(_overall);
            }

            _serviceTime.Drain();
            _lag.Drain();
        }
    }

    private static async Task<string?> ProblemTypeAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancel);
        if (body.Length > ProblemBodyLimit || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("type", out var type) ? type.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private long Micros(long timestamps) => (long)(timestamps * 1_000_000.0 / _time.TimestampFrequency);

    // Loopback only, whatever the name resolves to: the address is checked where the connection is made.
    private static SocketsHttpHandler CreateHandler(LoadOptions options) => new()
    {
        MaxConnectionsPerServer = options.MaxConnectionsPerServer,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        UseCookies = false,
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectCallback = async (context, cancel) =>
        {
            var addresses = (await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancel)).Where(IPAddress.IsLoopback).ToArray();
            if (addresses.Length == 0)
            {
                throw new HttpRequestException($"{context.DnsEndPoint.Host} is not a loopback address");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

/// <summary>What a run's calls got, for <see cref="LoadReport"/>.</summary>
internal sealed record RunResult(
    string Mode,
    DateTimeOffset StartedAt,
    TimeSpan Elapsed,
    IReadOnlyList<ScenarioBinding> Bindings,
    long Scheduled,
    long Sent,
    long StillInFlightAtStop,
    HistogramBase Latency,
    HistogramBase ServiceTime,
    HistogramBase SchedulerLag,
    IReadOnlyList<(string Client, int Fetches)> TokenFetches,
    TimeSpan ProcessCpu);
