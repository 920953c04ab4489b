using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Ndxp.Gateway.Load;

/// <summary>
/// Parses the command line into <see cref="LoadOptions"/>, gathering every error (each naming its option) instead of
/// stopping at the first.
/// </summary>
internal static class LoadOptionsParser
{
    public const string Usage = """
        usage: Gateway.Load --target http://127.0.0.1:8080 (--rate N | --ramp FROM:TO:DURATION[,...] | --connections N) [options]
          --duration 60s            how long to run (with --ramp: at most the stages' total)
          --max-calls N             stop after N calls
          --warmup D                calls meant to start in this first part count, their latency does not
          --max-in-flight 10000     open model: calls at once; calls beyond it are counted as not started
          --timeout 5s              per call
          --max-connections 1000    pooled connections to the target
          --mix name=weight,...     scenarios and their weights (replaces the default mix)
          --clients FILE            JSON array of {id, secret, agency, scenarios} (replaces the demo clients)
          --report DIR              write report.md and report.json there
          --max-p99 5ms             exit 2 if the p99 latency is above this
          --max-error-ratio 0.001   exit 2 if errors / scheduled calls is above this
          --seed N                  random seed for scenario and id choice
          --quiet                   no progress line
          --anonymous               no tokens, no purpose: the same paths called bare (a baseline: the provider, a plain proxy)
        durations: 250us, 5ms, 1.5s, 2m, 1h
        """;

    private static readonly JsonSerializerOptions ClientsJson = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly HashSet<string> Known =
    [
        "--target", "--rate", "--ramp", "--connections", "--duration", "--max-calls", "--warmup", "--max-in-flight", "--timeout",
        "--max-connections", "--mix", "--clients", "--report", "--max-p99", "--max-error-ratio", "--seed",
    ];

    private static readonly string[] Modes = ["--rate", "--ramp", "--connections"];

    public static LoadOptions? Parse(IReadOnlyList<string> args, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(errors);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var quiet = false;
        var anonymous = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--quiet")
            {
                quiet = true;
            }
            else if (name == "--anonymous")
            {
                anonymous = true;
            }
            else if (!Known.Contains(name))
            {
                errors.Add($"{name}: unknown option");
            }
            else if (i + 1 >= args.Count)
            {
                errors.Add($"{name}: needs a value");
            }
            else if (!values.TryAdd(name, args[++i]))
            {
                errors.Add($"{name}: given twice");
            }
        }

        var target = Target(values, errors);
        var rate = Number(values, "--rate", errors, min: double.Epsilon);
        var ramp = values.TryGetValue("--ramp", out var rampText) ? Ramp(rampText, errors) : null;
        var connections = Integer(values, "--connections", errors, min: 1);
        var duration = Duration(values, "--duration", errors);
        if (Modes.Count(values.ContainsKey) != 1)
        {
            errors.Add("--rate, --ramp, --connections: give exactly one (open model at a constant rate, open model in stages, closed model)");
        }

        var maxInFlight = Integer(values, "--max-in-flight", errors, min: 1) ?? LoadOptions.DefaultMaxInFlight;
        if (connections > maxInFlight)
        {
            errors.Add($"--connections: {connections} is above --max-in-flight {maxInFlight}");
        }

        var mix = values.TryGetValue("--mix", out var mixText) ? Mix(mixText, errors) : ScenarioCatalog.DefaultMix;
        var clients = values.TryGetValue("--clients", out var clientsFile) ? Clients(clientsFile, errors) : ScenarioCatalog.DemoClients;
        if (mix is not null && clients is not null)
        {
            foreach (var entry in mix.Where(e => e.Weight > 0 && !clients.Any(c => c.Scenarios.Contains(e.Scenario))))
            {
                errors.Add($"--mix: no client runs scenario {entry.Scenario}");
            }
        }

        var timeout = Duration(values, "--timeout", errors) ?? TimeSpan.FromSeconds(5);
        var warmup = Duration(values, "--warmup", errors) ?? TimeSpan.Zero;
        var maxP99 = Duration(values, "--max-p99", errors);
        var maxErrorRatio = Number(values, "--max-error-ratio", errors, min: 0);
        if (maxErrorRatio > 1)
        {
            errors.Add("--max-error-ratio: must be between 0 and 1");
        }

        var maxCalls = Integer(values, "--max-calls", errors, min: 1);
        var maxConnections = Integer(values, "--max-connections", errors, min: 1) ?? LoadOptions.DefaultMaxConnectionsPerServer;
        var seed = Integer(values, "--seed", errors, min: 0) ?? 6;
        if (errors.Count > 0 || target is null || mix is null || clients is null)
        {
            return null;
        }

        InjectionProfile? profile = null;
        if (ramp is not null)
        {
            profile = new InjectionProfile(ramp);
        }
        else if (rate is { } constant)
        {
            profile = InjectionProfile.Constant(constant, duration ?? TimeSpan.FromSeconds(60));
        }

        var runFor = duration ?? profile?.Duration ?? TimeSpan.FromSeconds(60);
        if (warmup >= runFor || (profile is not null && warmup >= profile.Duration))
        {
            errors.Add($"--warmup: {warmup.TotalSeconds} s leaves nothing of the run to measure");
            return null;
        }

        return new LoadOptions
        {
            Target = target,
            Profile = profile,
            Connections = (int?)connections,
            Duration = runFor,
            Warmup = warmup,
            MaxCalls = maxCalls ?? long.MaxValue,
            MaxInFlight = (int)maxInFlight,
            Timeout = timeout,
            MaxConnectionsPerServer = (int)maxConnections,
            ReportDirectory = values.GetValueOrDefault("--report"),
            Mix = mix,
            Clients = clients,
            MaxP99 = maxP99,
            MaxErrorRatio = maxErrorRatio,
            Seed = (int)seed,
            Progress = !quiet,
            Anonymous = anonymous,
        };
    }

    /// <summary>The target must be this machine: an IP loopback address or <c>localhost</c>, never resolved elsewhere.</summary>
    private static Uri? Target(Dictionary<string, string> values, List<string> errors)
    {
        if (!values.TryGetValue("--target", out var text))
        {
            errors.Add("--target: required, e.g. http://127.0.0.1:8080");
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https") || target.AbsolutePath != "/")
        {
            errors.Add($"--target: {text} is not an http(s) address without a path, e.g. http://127.0.0.1:8080");
            return null;
        }

        if (!IsLoopback(target.Host))
        {
            errors.Add($"--target: {target.Host} is not a loopback address (127.0.0.0/8, ::1 or localhost); the load tool only loads this machine");
            return null;
        }

        return target;
    }

    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static List<RampStage>? Ramp(string text, List<string> errors)
    {
        var stages = new List<RampStage>();
        foreach (var part in text.Split(','))
        {
            var fields = part.Split(':');
            if (fields.Length != 3
                || !double.TryParse(fields[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var from)
                || !double.TryParse(fields[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var to)
                || !Durations.TryParse(fields[2], out var duration) || duration <= TimeSpan.Zero)
            {
                errors.Add($"--ramp: {part} is not FROM:TO:DURATION (calls/s, calls/s, a duration), e.g. 500:4000:30s");
                return null;
            }

            stages.Add(new RampStage(from, to, duration));
        }

        if (stages.Sum(s => s.Calls) < 1)
        {
            errors.Add("--ramp: the stages schedule no call");
            return null;
        }

        return stages;
    }

    private static List<MixEntry>? Mix(string text, List<string> errors)
    {
        var mix = new List<MixEntry>();
        foreach (var part in text.Split(','))
        {
            var fields = part.Split('=');
            if (fields.Length != 2 || !double.TryParse(fields[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var weight))
            {
                errors.Add($"--mix: {part} is not name=weight");
                continue;
            }

            if (ScenarioCatalog.Find(fields[0]) is null)
            {
                errors.Add($"--mix: unknown scenario {fields[0]} (known: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))})");
                continue;
            }

            mix.Add(new MixEntry(fields[0], weight));
        }

        if (mix.Count > 0 && mix.Sum(e => e.Weight) <= 0)
        {
            errors.Add("--mix: the weights add up to nothing");
        }

        return errors.Count == 0 ? mix : null;
    }

    private static List<LoadClient>? Clients(string path, List<string> errors)
    {
        List<LoadClient>? clients;
        try
        {
            clients = JsonSerializer.Deserialize<List<LoadClient>>(File.ReadAllText(path), ClientsJson);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            errors.Add($"--clients: {path}: {ex.Message}");
            return null;
        }

        var before = errors.Count;
        if (clients is null || clients.Count == 0)
        {
            errors.Add($"--clients: {path} lists no client");
            return null;
        }

        foreach (var client in clients)
        {
            if (string.IsNullOrEmpty(client.Id) || string.IsNullOrEmpty(client.Secret) || string.IsNullOrEmpty(client.Agency) || client.Scenarios is null)
            {
                errors.Add($"--clients: every client needs id, secret, agency and scenarios ({client.Id})");
                continue;
            }

            foreach (var scenario in client.Scenarios.Where(s => ScenarioCatalog.Find(s) is null))
            {
                errors.Add($"--clients: client {client.Id}: unknown scenario {scenario}");
            }
        }

        return errors.Count == before ? clients : null;
    }

    private static TimeSpan? Duration(Dictionary<string, string> values, string name, List<string> errors)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return null;
        }

        if (!Durations.TryParse(text, out var value) || value <= TimeSpan.Zero)
        {
            errors.Add($"{name}: {text} is not a positive duration (250us, 5ms, 1.5s, 2m, 1h)");
            return null;
        }

        return value;
    }

    private static double? Number(Dictionary<string, string> values, string name, List<string> errors, double min)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < min || !double.IsFinite(value))
        {
            errors.Add($"{name}: {text} is not a number{(min > 0 ? " above 0" : " of at least 0")}");
            return null;
        }

        return value;
    }

    private static long? Integer(Dictionary<string, string> values, string name, List<string> errors, long min)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || (value > int.MaxValue && name != "--max-calls"))
        {
            errors.Add($"{name}: {text} is not a whole number of at least {min}");
            return null;
        }

        return value;
    }
}
