using System.Text.Json;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// How both registry stores keep entities: one JSON document per (kind, id), gathered back into a document on reading.
/// </summary>
internal static class RegistryEntities
{
    public const string AgencyKind = "agency";
    public const string ClientKind = "client";
    public const string ServiceKind = "service";
    public const string GrantKind = "grant";
    public const string RevocationKind = "revocation";
    public const string TrailExclusionKind = "trail-exclusion";
    public const string ApiDocumentKind = "api-document";
    public const string AccessRequestKind = "access-request";

    /// <summary>Gathers stored rows into a document; a row that cannot be read names its kind and id.</summary>
    public sealed class Reader
    {
        private readonly List<Agency> _agencies = [];
        private readonly List<Client> _clients = [];
        private readonly List<Service> _services = [];
        private readonly List<Grant> _grants = [];
        private readonly List<RevokedToken> _revoked = [];
        private readonly List<TrailExclusion> _trailExclusions = [];
        private readonly List<ApiDocument> _apiDocuments = [];
        private readonly List<AccessRequest> _accessRequests = [];
        private readonly Dictionary<EntityKey, long> _versions = [];

        public void Add(string kind, string id, string json, long version)
        {
            _versions[new(kind, id)] = version;
            switch (kind)
            {
                case AgencyKind: _agencies.Add(Deserialize<Agency>(json, kind, id)); break;
                case ClientKind: _clients.Add(Deserialize<Client>(json, kind, id)); break;
                case ServiceKind: _services.Add(Deserialize<Service>(json, kind, id)); break;
                case GrantKind: _grants.Add(Deserialize<Grant>(json, kind, id)); break;
                case RevocationKind: _revoked.Add(Deserialize<RevokedToken>(json, kind, id)); break;
                case TrailExclusionKind: _trailExclusions.Add(Deserialize<TrailExclusion>(json, kind, id)); break;
                case ApiDocumentKind: _apiDocuments.Add(Deserialize<ApiDocument>(json, kind, id)); break;
                case AccessRequestKind: _accessRequests.Add(Deserialize<AccessRequest>(json, kind, id)); break;
                default: throw new InvalidDataException($"The registry store holds an entity of unknown kind '{kind}'.");
            }
        }

        public StoredRegistry Stored(long revision) =>
            new(new() { Agencies = _agencies, Clients = _clients, Services = _services, Grants = _grants, RevokedTokens = _revoked, TrailExclusions = _trailExclusions,
                ApiDocuments = _apiDocuments, AccessRequests = _accessRequests }, revision, _versions);

        private static T Deserialize<T>(string json, string kind, string id)
        {
            try
            {
                return JsonSerializer.Deserialize<T>(json, RegistryJson.Options)
                    ?? throw new InvalidDataException($"The registry store holds an empty {kind} '{id}'.");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"The registry store holds an unreadable {kind} '{id}': {ex.Message}", ex);
            }
        }
    }
}
