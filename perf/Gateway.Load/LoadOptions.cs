namespace Ndxp.Gateway.Load;

/// <summary>What a run does, as parsed from the command line (<see cref="LoadOptionsParser"/>).</summary>
internal sealed record LoadOptions
{
    public const int DefaultMaxInFlight = 10_000;
    public const int DefaultMaxConnectionsPerServer = 1_000;

    public required Uri Target { get; init; }

    /// <summary>Open model: when calls start. Null in the closed model.</summary>
    public InjectionProfile? Profile { get; init; }

    /// <summary>Closed model: virtual users, each sending its next call when the previous one is answered.</summary>
    public int? Connections { get; init; }

    public required TimeSpan Duration { get; init; }

    public long MaxCalls { get; init; } = long.MaxValue;

    /// <summary>Calls meant to start in this first part of the run are sent and counted but kept out of the latency histograms.</summary>
    public TimeSpan Warmup { get; init; }

    public int MaxInFlight { get; init; } = DefaultMaxInFlight;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    public int MaxConnectionsPerServer { get; init; } = DefaultMaxConnectionsPerServer;

    public string? ReportDirectory { get; init; }

    public IReadOnlyList<MixEntry> Mix { get; init; } = ScenarioCatalog.DefaultMix;

    public IReadOnlyList<LoadClient> Clients { get; init; } = ScenarioCatalog.DemoClients;

    public TimeSpan? MaxP99 { get; init; }

    public double? MaxErrorRatio { get; init; }

    public int Seed { get; init; } = 6;

    public bool Progress { get; init; } = true;

    /// <summary>
    /// No tokens and no purpose: the same paths called bare, to measure a baseline (the provider itself, a plain proxy)
    /// with the same scheduler and recorder as the gateway.
    /// </summary>
    public bool Anonymous { get; init; }
}
