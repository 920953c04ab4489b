using System.Collections.Frozen;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// The registry compiled for the data plane: immutable, indexed for O(1) lookups on every call, and swapped as a
/// whole when the registry changes, so a call never sees half of a change.
/// </summary>
public sealed class RegistrySnapshot
{
    private readonly FrozenDictionary<string, ServiceEntry>.AlternateLookup<ReadOnlySpan<char>> _servicesByPrefix;
    private readonly int _prefixSegments;

    private RegistrySnapshot(RegistryDocument document, long revision)
    {
        Document = document;
        Revision = revision;
        Agencies = document.Agencies.ToFrozenDictionary(a => a.Code, StringComparer.Ordinal);
        Clients = document.Clients.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
        Grants = document.Grants.ToFrozenDictionary(g => g.Id, StringComparer.Ordinal);
        RevokedTokenIds = document.RevokedTokens.Select(r => r.Jti).ToFrozenSet(StringComparer.Ordinal);
        HiddenFromCitizens = document.TrailExclusions.Select(e => e.Agency).ToFrozenSet(StringComparer.Ordinal);
        var grantsByService = document.Grants.ToLookup(g => g.Service, StringComparer.Ordinal);
        Services = document.Services.ToFrozenDictionary(
            s => s.Id,
            s => new ServiceEntry(s, Agencies[s.Provider], grantsByService[s.Id]),
            StringComparer.Ordinal);

        // Case-insensitive, as ASP.NET Core's routing matches paths.
        _servicesByPrefix = Services.Values.ToFrozenDictionary(s => s.Definition.PathPrefix, StringComparer.OrdinalIgnoreCase)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixSegments = Services.Values.Select(s => s.Definition.PathPrefix.Count('/')).DefaultIfEmpty(0).Max();
    }

    /// <summary>The snapshot before the registry was loaded: no services, so every call is refused.</summary>
    public static RegistrySnapshot Empty { get; } = new(new RegistryDocument(), 0);

    public RegistryDocument Document { get; }

    /// <summary>Increases with every change the store commits; tells replicas and operators which registry is live.</summary>
    public long Revision { get; }

    public FrozenDictionary<string, Agency> Agencies { get; }

    public FrozenDictionary<string, Client> Clients { get; }

    public FrozenDictionary<string, ServiceEntry> Services { get; }

    public FrozenDictionary<string, Grant> Grants { get; }

    /// <summary>The <c>jti</c> of every revoked token.</summary>
    public FrozenSet<string> RevokedTokenIds { get; }

    /// <summary>Consumer agencies whose calls citizens' access trails do not show (<see cref="TrailExclusion"/>).</summary>
    public FrozenSet<string> HiddenFromCitizens { get; }

    /// <summary>
    /// The service a data call's path names: the one whose path prefix is the path or its leading segments
    /// (<c>/population/v1</c> names <c>/population/v1/citizens/1</c>, not <c>/population/v10</c>). The validator keeps
    /// prefixes from nesting, so at most one matches; a lookup per leading segment, as deep as the deepest prefix.
    /// </summary>
    public ServiceEntry? FindService(ReadOnlySpan<char> path)
    {
        var segments = 0;
        for (var end = 1; end <= path.Length && segments < _prefixSegments; end++)
        {
            if (end == path.Length || path[end] == '/')
            {
                if (_servicesByPrefix.TryGetValue(path[..end], out var service))
                {
                    return service;
                }

                segments++;
            }
        }

        return null;
    }

    /// <summary>Validates and compiles; throws <see cref="RegistryValidationException"/> naming every bad entry.</summary>
    public static RegistrySnapshot Compile(RegistryDocument document, long revision)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = RegistryValidator.Validate(document);
        if (errors.Count > 0)
        {
            throw new RegistryValidationException(errors);
        }

        return new RegistrySnapshot(document, revision);
    }
}

/// <summary>A service with what a call to it needs at hand: its provider and its grants by consumer agency.</summary>
public sealed class ServiceEntry
{
    internal ServiceEntry(Service definition, Agency provider, IEnumerable<Grant> grants)
    {
        Definition = definition;
        Provider = provider;
        Methods = definition.Methods.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        AllowHeader = string.Join(", ", definition.Methods);
        Upgrades = definition.Upgrades.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        Subject = definition.SubjectPath is { } template ? Trail.SubjectPath.Parse(template, definition.PathPrefix, out _) : null;
        GrantsByAgency = grants
            .GroupBy(g => g.ConsumerAgency, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(x => new GrantEntry(x)).ToArray(), StringComparer.Ordinal);
    }

    public Service Definition { get; }

    public Agency Provider { get; }

    public FrozenSet<string> Methods { get; }

    /// <summary>The value of the <c>Allow</c> header of a 405 answer (RFC 9110 section 15.5.6).</summary>
    public string AllowHeader { get; }

    /// <summary>Protocols callers may upgrade to, compared as HTTP compares protocol names (case-insensitively).</summary>
    public FrozenSet<string> Upgrades { get; }

    public FrozenDictionary<string, GrantEntry[]> GrantsByAgency { get; }

    /// <summary>Which segment of a call's path names its data subject; null when the service declares none.</summary>
    public Trail.SubjectPath? Subject { get; }
}

/// <summary>A grant with its methods and purposes as sets.</summary>
public sealed class GrantEntry
{
    internal GrantEntry(Grant definition)
    {
        Definition = definition;
        Methods = definition.Methods.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        Purposes = definition.Purposes.ToFrozenSet(StringComparer.Ordinal);
    }

    public Grant Definition { get; }

    public FrozenSet<string> Methods { get; }

    public FrozenSet<string> Purposes { get; }
}

/// <summary>A registry document that cannot be compiled; the message lists every problem.</summary>
public sealed class RegistryValidationException : Exception
{
    public RegistryValidationException(IReadOnlyList<RegistryError> errors)
        : base("The registry is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
    {
        Errors = errors;
    }

    public IReadOnlyList<RegistryError> Errors { get; }
}
