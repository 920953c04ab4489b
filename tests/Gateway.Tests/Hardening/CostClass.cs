namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>How a class's requests reach the gateway: each class is compared with the baseline of its own transport.</summary>
internal enum Transport
{
    /// <summary>An <see cref="HttpClient"/>'s kept-alive connections.</summary>
    KeptAlive,

    /// <summary>A new TCP connection per request, closed after the answer (raw bytes: malformed or oversized requests).</summary>
    NewConnection,
}

/// <summary>
/// One class of request measured by <see cref="HostileCostFixture"/>: how many per measurement, how one is sent
/// (returning the status, 0 when none came), and the statuses the gateway is expected to answer it with.
/// </summary>
internal sealed record CostClass(string Name, Transport Transport, int Requests, Func<Task<int>> SendAsync, IReadOnlyList<int>? Expected = null)
{
    public const string Baseline = "baseline: garbage bearer token (401)";
}
