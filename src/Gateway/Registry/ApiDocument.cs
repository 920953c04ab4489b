using System.Text.Json;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// The OpenAPI document a provider registers for one of its services, which agencies read in the portal's catalogue
/// before they ask for access. Keyed by the service's id; at most <see cref="MaxBytes"/> of JSON, audited like every
/// registry change (who published which contract, when).
/// </summary>
public sealed record ApiDocument
{
    public const int MaxBytes = 256 * 1024;

    public required string Service { get; init; }

    /// <summary>An OpenAPI 3.x document: a JSON object with an <c>openapi</c> version.</summary>
    public required JsonElement Document { get; init; }
}
