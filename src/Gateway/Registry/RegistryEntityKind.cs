using System.Text.Json;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// One kind of registry entity seen generically: its kind name in the store and the audit trail, its collection
/// name in the admin API, how to find, replace and remove it in a document, and how it is written as JSON.
/// </summary>
public abstract class RegistryEntityKind
{
    public static readonly RegistryEntityKind<Agency> Agencies = new(
        RegistryEntities.AgencyKind, "agencies", a => a.Code, (a, s) => a with { Status = s }, d => d.Agencies, (d, l) => d with { Agencies = l });

    public static readonly RegistryEntityKind<Client> Clients = new(
        RegistryEntities.ClientKind, "clients", c => c.Id, (c, s) => c with { Status = s }, d => d.Clients, (d, l) => d with { Clients = l });

    public static readonly RegistryEntityKind<Service> Services = new(
        RegistryEntities.ServiceKind, "services", s => s.Id, (e, s) => e with { Status = s }, d => d.Services, (d, l) => d with { Services = l });

    public static readonly RegistryEntityKind<Grant> Grants = new(
        RegistryEntities.GrantKind, "grants", g => g.Id, (g, s) => g with { Status = s }, d => d.Grants, (d, l) => d with { Grants = l });

    public static readonly RegistryEntityKind<RevokedToken> Revocations = new(
        RegistryEntities.RevocationKind, "revocations", r => r.Jti, (r, _) => r, d => d.RevokedTokens, (d, l) => d with { RevokedTokens = l });

    public static readonly RegistryEntityKind<TrailExclusion> TrailExclusions = new(
        RegistryEntities.TrailExclusionKind, "trail-exclusions", e => e.Agency, (e, _) => e, d => d.TrailExclusions, (d, l) => d with { TrailExclusions = l });

    public static readonly RegistryEntityKind<ApiDocument> ApiDocuments = new(
        RegistryEntities.ApiDocumentKind, "api-documents", d => d.Service, (d, _) => d, d => d.ApiDocuments, (d, l) => d with { ApiDocuments = l });

    public static readonly RegistryEntityKind<AccessRequest> AccessRequests = new(
        RegistryEntities.AccessRequestKind, "access-requests", r => r.Id, (r, _) => r, d => d.AccessRequests, (d, l) => d with { AccessRequests = l });

    /// <summary>In dependency order: what an entity refers to comes before it.</summary>
    public static IReadOnlyList<RegistryEntityKind> All { get; } = [Agencies, Clients, Services, Grants, Revocations, TrailExclusions, ApiDocuments, AccessRequests];

    /// <summary><c>agency</c>, <c>client</c>, <c>service</c> or <c>grant</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The admin API's collection: <c>agencies</c>, <c>clients</c>, <c>services</c> or <c>grants</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Each entity of this kind in the document with its JSON as the registry writes it.</summary>
    public abstract IEnumerable<(string Id, string Json)> Entities(RegistryDocument document);
}

public sealed class RegistryEntityKind<T> : RegistryEntityKind
    where T : class
{
    private readonly Func<T, string> _id;
    private readonly Func<T, EntityStatus, T> _withStatus;
    private readonly Func<RegistryDocument, IReadOnlyList<T>> _get;
    private readonly Func<RegistryDocument, IReadOnlyList<T>, RegistryDocument> _set;

    internal RegistryEntityKind(
        string kind,
        string name,
        Func<T, string> id,
        Func<T, EntityStatus, T> withStatus,
        Func<RegistryDocument, IReadOnlyList<T>> get,
        Func<RegistryDocument, IReadOnlyList<T>, RegistryDocument> set)
    {
        Kind = kind;
        Name = name;
        _id = id;
        _withStatus = withStatus;
        _get = get;
        _set = set;
    }

    public override string Kind { get; }

    public override string Name { get; }

    public string IdOf(T entity) => _id(entity);

    /// <summary>The JSON name of the id field: <c>code</c> for agencies, <c>id</c> for the others.</summary>
    public string IdField => Kind switch
    {
        RegistryEntities.AgencyKind => "code",
        RegistryEntities.RevocationKind => "jti",
        RegistryEntities.TrailExclusionKind => "agency",
        RegistryEntities.ApiDocumentKind => "service",
        _ => "id",
    };

    public T WithStatus(T entity, EntityStatus status) => _withStatus(entity, status);

    public IReadOnlyList<T> In(RegistryDocument document) => _get(document);

    public T? Find(RegistryDocument document, string id) => _get(document).FirstOrDefault(e => string.Equals(_id(e), id, StringComparison.Ordinal));

    /// <summary>The document with <paramref name="entity"/> replacing the one of the same id, or added after the others.</summary>
    public RegistryDocument Put(RegistryDocument document, T entity)
    {
        var id = _id(entity);
        var list = _get(document).ToList();
        var index = list.FindIndex(e => string.Equals(_id(e), id, StringComparison.Ordinal));
        if (index >= 0)
        {
            list[index] = entity;
        }
        else
        {
            list.Add(entity);
        }

        return _set(document, list);
    }

    public RegistryDocument Remove(RegistryDocument document, string id) =>
        _set(document, _get(document).Where(e => !string.Equals(_id(e), id, StringComparison.Ordinal)).ToList());

    public override IEnumerable<(string Id, string Json)> Entities(RegistryDocument document) =>
        _get(document).Select(e => (_id(e), Serialize(e)));

    public string Serialize(T entity) => JsonSerializer.Serialize(entity, RegistryJson.Options);
}
