using System.ComponentModel.DataAnnotations;

namespace Ndxp.Gateway.Trail;

/// <summary>The citizens' access trail. Bound from the <c>Trail</c> section.</summary>
public sealed class TrailOptions
{
    public const string SectionName = "Trail";

    /// <summary>
    /// Folder of pseudonym keys, one per file named <c>{version}.key</c> holding at least 32 random bytes in base64.
    /// Relative to the data directory. All keys are kept so that entries made under a retired key stay findable.
    /// </summary>
    [Required]
    public string KeysDirectory { get; set; } = "trail-keys";

    /// <summary>The key that makes new pseudonyms. Default: the last by name.</summary>
    public string? ActiveKeyVersion { get; set; }

    /// <summary>Embedded mode creates a key on first start; a cluster mounts its keys from a secret and sets this to false.</summary>
    public bool GenerateKeyIfMissing { get; set; } = true;

    /// <summary>How long trail entries are kept (five years by default), apart from raw usage records.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36500.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(5 * 365 + 1);

    /// <summary>Largest page of <c>/trail/v1/me</c> and of an auditor's search.</summary>
    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 100;
}
