using System.ComponentModel.DataAnnotations;

namespace Ndxp.Gateway.Forwarding;

/// <summary>How the gateway watches provider instances. Bound from the <c>Forwarding</c> section.</summary>
public sealed class ForwardingOptions
{
    public const string SectionName = "Forwarding";

    /// <summary>How often each instance of a service with a <c>healthCheckPath</c> is probed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a probe may take before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
