using System.Text.RegularExpressions;
using Ndxp.Gateway.ClientAuthentication;
using Ndxp.Gateway.Identity;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// Checks a registry document as a whole and reports every problem it finds, each naming the offending entry,
/// so an operator fixes a bad file in one pass instead of one error per restart.
/// </summary>
public static partial class RegistryValidator
{
    // What YARP proxies as an upgrade and the access step can check (RFC 6455 over HTTP/1.1, RFC 8441 over HTTP/2).
    public const string WebSocketUpgrade = "websocket";

    public static IReadOnlyList<RegistryError> Validate(RegistryDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = new List<RegistryError>();

        var agencies = CheckUnique(document.Agencies, a => a.Code, "agency", errors);
        foreach (var agency in document.Agencies)
        {
            if (!CodePattern().IsMatch(agency.Code ?? ""))
            {
                errors.Add(new("agency", agency.Code, "code", "code must be 2-32 characters of A-Z, 0-9, '_' or '-'"));
            }

            if (string.IsNullOrWhiteSpace(agency.Name))
            {
                errors.Add(new("agency", agency.Code, "name", "name is required"));
            }

            CheckRateLimit("agency", agency.Code, "defaultRateLimit", agency.DefaultRateLimit, errors);
        }

        var clients = CheckUnique(document.Clients, c => c.Id, "client", errors);
        foreach (var client in document.Clients)
        {
            CheckIdentifier("client", client.Id, errors);
            CheckReference("client", client.Id, "agency", "agency", client.Agency, agencies, errors);
            foreach (var role in client.Roles.Where(r => !GatewayClaims.KnownRoles.Contains(r)))
            {
                errors.Add(new("client", client.Id, "roles", $"unknown role '{role}' (known: {string.Join(", ", GatewayClaims.KnownRoles)})"));
            }

            if (client.SecretHash is not null && !ClientSecretHasher.IsWellFormed(client.SecretHash))
            {
                errors.Add(new("client", client.Id, "secretHash", "secretHash is not a hash produced by the gateway (sha256$hash for a generated secret, pbkdf2-sha256$iterations$salt$hash with at least 10000 iterations from hash-secret)"));
            }

            if (client.PreviousSecretHash is not null && !ClientSecretHasher.IsWellFormed(client.PreviousSecretHash))
            {
                errors.Add(new("client", client.Id, "previousSecretHash", "previousSecretHash is not a hash produced by the gateway"));
            }

            if ((client.PreviousSecretHash is null) != (client.PreviousSecretValidUntil is null))
            {
                errors.Add(new("client", client.Id, "previousSecretValidUntil", "previousSecretHash and previousSecretValidUntil go together"));
            }

            CheckPublicKeys(client, errors);
        }

        var services = CheckUnique(document.Services, s => s.Id, "service", errors);
        foreach (var service in document.Services)
        {
            CheckService(service, agencies, errors);
        }

        CheckPrefixesDoNotOverlap(document.Services, errors);

        CheckUnique(document.Grants, g => g.Id, "grant", errors);
        var serviceById = document.Services.Where(s => s.Id is not null).DistinctBy(s => s.Id).ToDictionary(s => s.Id, StringComparer.Ordinal);
        var clientById = document.Clients.Where(c => c.Id is not null).DistinctBy(c => c.Id).ToDictionary(c => c.Id, StringComparer.Ordinal);
        foreach (var grant in document.Grants)
        {
            CheckGrant(grant, agencies, clients, services, errors);
            if (grant.Service is not null && serviceById.TryGetValue(grant.Service, out var service))
            {
                var client = grant.ConsumerClient is null ? null : clientById.GetValueOrDefault(grant.ConsumerClient);
                CheckGrantAgainst(grant, service, client, errors);
            }
        }

        CheckUnique(document.RevokedTokens, r => r.Jti, "revocation", errors);
        foreach (var revoked in document.RevokedTokens.Where(r => string.IsNullOrWhiteSpace(r.Jti) || r.Jti.Length > 256))
        {
            errors.Add(new("revocation", revoked.Jti, "jti", "jti must be 1-256 characters"));
        }

        CheckUnique(document.TrailExclusions, e => e.Agency, "trail-exclusion", errors);
        foreach (var exclusion in document.TrailExclusions)
        {
            CheckReference("trail-exclusion", exclusion.Agency, "agency", "agency", exclusion.Agency, agencies, errors);
            if (string.IsNullOrWhiteSpace(exclusion.Reason) || exclusion.Reason.Length > 500)
            {
                errors.Add(new("trail-exclusion", exclusion.Agency, "reason", "reason (the legal basis for hiding the agency from citizens) is required, at most 500 characters"));
            }
        }

        CheckCatalogue(document, services, errors);
        CheckAccessRequests(document, agencies, services, errors);
        return errors;
    }

    private static void CheckCatalogue(RegistryDocument document, HashSet<string> services, List<RegistryError> errors)
    {
        foreach (var service in document.Services)
        {
            if (service.Description is { Length: > 2000 })
            {
                errors.Add(new("service", service.Id, "description", "description must be at most 2000 characters"));
            }

            if (service.Purposes.Any(p => p is null || !Access.PurposeSyntax.IsWellFormed(p)) || service.Purposes.Distinct(StringComparer.Ordinal).Count() != service.Purposes.Count)
            {
                errors.Add(new("service", service.Id, "purposes", PurposesRule));
            }
        }

        CheckUnique(document.ApiDocuments, d => d.Service, "api-document", errors);
        foreach (var api in document.ApiDocuments)
        {
            CheckReference("api-document", api.Service, "service", "service", api.Service, services, errors);
            if (api.Document.ValueKind != System.Text.Json.JsonValueKind.Object
                || !api.Document.TryGetProperty("openapi", out var version) || version.ValueKind != System.Text.Json.JsonValueKind.String
                || !(version.GetString() ?? "").StartsWith('3'))
            {
                errors.Add(new("api-document", api.Service, "document", "document must be an OpenAPI 3.x document (a JSON object with \"openapi\": \"3.x\")"));
            }
            else if (System.Text.Encoding.UTF8.GetByteCount(api.Document.GetRawText()) > ApiDocument.MaxBytes)
            {
                errors.Add(new("api-document", api.Service, "document", $"document must be at most {ApiDocument.MaxBytes} bytes"));
            }
        }
    }

    private const string PurposesRule = "a purpose code as X-Purpose names it: 1-64 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit";

    private static void CheckAccessRequests(RegistryDocument document, HashSet<string> agencies, HashSet<string> services, List<RegistryError> errors)
    {
        CheckUnique(document.AccessRequests, r => r.Id, "access-request", errors);
        foreach (var request in document.AccessRequests)
        {
            CheckIdentifier("access-request", request.Id, errors);
            // A decided request is a record of the past: the agency or service it named may since have gone.
            if (request.OperatorDecision is null && request.ProviderDecision is not { Approved: false })
            {
                CheckReference("access-request", request.Id, "consumerAgency", "agency", request.ConsumerAgency, agencies, errors);
                CheckReference("access-request", request.Id, "service", "service", request.Service, services, errors);
            }

            if (request.Purposes is not { Count: > 0 and <= 20 }
                || request.Purposes.Any(p => p?.Purpose is null || !Access.PurposeSyntax.IsWellFormed(p.Purpose) || string.IsNullOrWhiteSpace(p.LegalBasis) || p.LegalBasis.Length > 500))
            {
                errors.Add(new("access-request", request.Id, "purposes", $"1-20 purposes, each {PurposesRule}, with its legal basis (1-500 characters)"));
            }

            if (request.Methods is null || request.Methods.Any(m => m is null))
            {
                errors.Add(new("access-request", request.Id, "methods", "methods must name HTTP methods"));
            }

            if (request.ExpectedDailyCalls < 0)
            {
                errors.Add(new("access-request", request.Id, "expectedDailyCalls", "expectedDailyCalls must be 0 or more"));
            }

            foreach (var (decision, field) in new[] { (request.ProviderDecision, "providerDecision"), (request.OperatorDecision, "operatorDecision") })
            {
                if (decision is not null && (string.IsNullOrWhiteSpace(decision.Reason) || decision.Reason.Length > 500 || string.IsNullOrWhiteSpace(decision.By)))
                {
                    errors.Add(new("access-request", request.Id, field, "a decision names who decided and the reason (1-500 characters)"));
                }
            }

            if (request.OperatorDecision is not null && request.ProviderDecision is not { Approved: true })
            {
                errors.Add(new("access-request", request.Id, "operatorDecision", "the platform decides only after the provider approved"));
            }
        }
    }

    private static void CheckPublicKeys(Client client, List<RegistryError> errors)
    {
        if (client.PublicKeys.Count > ClientKeys.MaxPerClient)
        {
            errors.Add(new("client", client.Id, "publicKeys", $"at most {ClientKeys.MaxPerClient} public keys per client; remove one first"));
        }

        var kids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < client.PublicKeys.Count; i++)
        {
            var key = client.PublicKeys[i];
            if (!kids.Add(key.Kid))
            {
                errors.Add(new("client", client.Id, $"publicKeys[{i}].kid", $"kid '{key.Kid}' names another key of this client too"));
            }

            if (ClientKeys.Problem(key) is { } problem)
            {
                errors.Add(new("client", client.Id, $"publicKeys[{i}].{problem.Field}", problem.Message));
            }
        }
    }

    private static void CheckService(Service service, HashSet<string> agencies, List<RegistryError> errors)
    {
        CheckIdentifier("service", service.Id, errors);
        CheckReference("service", service.Id, "provider", "provider agency", service.Provider, agencies, errors);
        if (!VersionPattern().IsMatch(service.Version ?? ""))
        {
            // Stored with every call (usage records have a bounded size) and shown in reports.
            errors.Add(new("service", service.Id, "version", "version must be 1-32 letters, digits, '.', '_' or '-'"));
        }

        if (!PathPrefixPattern().IsMatch(service.PathPrefix ?? ""))
        {
            errors.Add(new("service", service.Id, "pathPrefix",
                $"pathPrefix '{service.PathPrefix}' must start with '/', have no trailing '/', and use only lower-case letters, digits, '-', '.' and '_' in its segments (no '.' or '..' segments)"));
        }

        foreach (var reserved in ReservedPrefixes.Where(r =>
            string.Equals(service.PathPrefix, r, StringComparison.OrdinalIgnoreCase) || IsSegmentPrefix(r, service.PathPrefix ?? "") || IsSegmentPrefix(service.PathPrefix ?? "", r)))
        {
            errors.Add(new("service", service.Id, "pathPrefix", $"pathPrefix '{service.PathPrefix}' collides with the gateway's own '{reserved}'"));
        }

        CheckMethods("service", service.Id, service.Methods, errors);
        CheckUpgrades(service, errors);

        if (service.Destinations.Count == 0)
        {
            errors.Add(new("service", service.Id, "destinations", "at least one destination is required"));
        }

        foreach (var destination in service.Destinations)
        {
            if (!Uri.TryCreate(destination, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                errors.Add(new("service", service.Id, "destinations", $"destination '{destination}' is not an absolute http(s) URL without query, fragment or credentials"));
            }
        }

        if (service.TimeoutMs is < 1 or > 300_000)
        {
            errors.Add(new("service", service.Id, "timeoutMs", $"timeoutMs {service.TimeoutMs} must be between 1 and 300000"));
        }

        if (service.Capacity is { } capacity)
        {
            if (capacity.MaxConcurrent is < 1)
            {
                errors.Add(new("service", service.Id, "capacity.maxConcurrent", "capacity.maxConcurrent must be at least 1"));
            }

            CheckRateLimit("service", service.Id, "capacity.rate", capacity.Rate, errors);
        }

        if (service.Tls is { } tls)
        {
            if ((tls.ClientCertificatePath is null) != (tls.ClientKeyPath is null))
            {
                errors.Add(new("service", service.Id, "tls.clientKeyPath", "tls.clientCertificatePath and tls.clientKeyPath go together"));
            }

            foreach (var (field, path) in new[] { ("tls.clientCertificatePath", tls.ClientCertificatePath), ("tls.clientKeyPath", tls.ClientKeyPath), ("tls.trustedCaPath", tls.TrustedCaPath) })
            {
                if (path is not null && !Path.IsPathFullyQualified(path))
                {
                    errors.Add(new("service", service.Id, field, $"{field} must be an absolute path on the gateway's hosts"));
                }
            }

            if (service.Destinations.Any(d => !d.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(new("service", service.Id, "destinations", "a service with tls settings needs https destinations"));
            }
        }

        if (service.MaxRequestBodyBytes is < 0)
        {
            errors.Add(new("service", service.Id, "maxRequestBodyBytes", "maxRequestBodyBytes must not be negative"));
        }

        if (service.MaxRequestHeaderBytes is < 1024)
        {
            errors.Add(new("service", service.Id, "maxRequestHeaderBytes", "maxRequestHeaderBytes must be at least 1024"));
        }

        if (service.SubjectPath is { } subjectPath)
        {
            if (!service.PersonalData)
            {
                errors.Add(new("service", service.Id, "subjectPath", "subjectPath names a data subject: only a personalData service has one"));
            }

            if (service.PathPrefix is not null && Trail.SubjectPath.Parse(subjectPath, service.PathPrefix, out var subjectError) is null)
            {
                errors.Add(new("service", service.Id, "subjectPath", subjectError!));
            }
        }

        if (service.HealthCheckPath is { } health && !health.StartsWith('/'))
        {
            errors.Add(new("service", service.Id, "healthCheckPath", $"healthCheckPath '{health}' must start with '/'"));
        }
    }

    private static void CheckUpgrades(Service service, List<RegistryError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var upgrade in service.Upgrades)
        {
            if (string.Equals(upgrade, "h2c", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new("service", service.Id, "upgrades",
                    "upgrade 'h2c' is never accepted: the provider's side of an HTTP/2 connection would carry calls that no access check sees"));
            }
            else if (upgrade != WebSocketUpgrade)
            {
                errors.Add(new("service", service.Id, "upgrades", $"upgrade '{upgrade}' is not one of {WebSocketUpgrade} (lower case)"));
            }
            else if (!seen.Add(upgrade))
            {
                errors.Add(new("service", service.Id, "upgrades", $"upgrade '{upgrade}' is listed more than once"));
            }
        }

        if (seen.Contains(WebSocketUpgrade) && !service.Methods.Contains("GET", StringComparer.Ordinal))
        {
            errors.Add(new("service", service.Id, "upgrades",
                "a websocket service must offer GET: the handshake is a GET (RFC 6455 section 4.1), and grants admit it as one"));
        }
    }

    // Paths the gateway answers itself; a service there would be unreachable or would shadow them.
    private static readonly string[] ReservedPrefixes = ["/connect", "/.well-known", "/usage", "/admin", "/healthz", "/readyz", "/metrics", "/trail", "/console", "/portal"];

    // A prefix nested in another ("/population" and "/population/v1") would let a grant for one service be
    // argued to cover the other; the registry refuses the ambiguity instead of relying on route precedence.
    private static void CheckPrefixesDoNotOverlap(IReadOnlyList<Service> services, List<RegistryError> errors)
    {
        for (var i = 0; i < services.Count; i++)
        {
            for (var j = i + 1; j < services.Count; j++)
            {
                var a = services[i].PathPrefix ?? "";
                var b = services[j].PathPrefix ?? "";
                if (string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add(new("service", services[j].Id, "pathPrefix", $"pathPrefix '{b}' duplicates that of service '{services[i].Id}'"));
                }
                else if (IsSegmentPrefix(a, b) || IsSegmentPrefix(b, a))
                {
                    errors.Add(new("service", services[j].Id, "pathPrefix", $"pathPrefix '{b}' overlaps '{a}' of service '{services[i].Id}'"));
                }
            }
        }
    }

    private static bool IsSegmentPrefix(string prefix, string path) =>
        path.Length > prefix.Length
        && path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
        && path[prefix.Length] == '/';

    private static void CheckGrant(
        Grant grant,
        HashSet<string> agencies,
        HashSet<string> clients,
        HashSet<string> services,
        List<RegistryError> errors)
    {
        CheckIdentifier("grant", grant.Id, errors);
        CheckReference("grant", grant.Id, "consumerAgency", "consumer agency", grant.ConsumerAgency, agencies, errors);
        CheckReference("grant", grant.Id, "service", "service", grant.Service, services, errors);
        if (grant.ConsumerClient is { } clientId)
        {
            CheckReference("grant", grant.Id, "consumerClient", "consumer client", clientId, clients, errors);
        }

        CheckMethods("grant", grant.Id, grant.Methods, errors);

        if (grant.Purposes.Any(p => p is null || !Access.PurposeSyntax.IsWellFormed(p)))
        {
            errors.Add(new("grant", grant.Id, "purposes", $"purposes must be codes of 1-{Access.PurposeSyntax.MaxLength} letters, digits, '.', '_', ':' or '-' (what a caller can declare in X-Purpose)"));
        }

        CheckRateLimit("grant", grant.Id, "rateLimit", grant.RateLimit, errors);

        if (grant.DailyQuota is < 0 || grant.MonthlyQuota is < 0)
        {
            errors.Add(new("grant", grant.Id, "dailyQuota", "quotas must not be negative"));
        }

        if (grant.ValidFrom is { } from && grant.ValidUntil is { } until && from >= until)
        {
            errors.Add(new("grant", grant.Id, "validFrom", "validFrom must be before validUntil"));
        }
    }

    private static void CheckGrantAgainst(Grant grant, Service service, Client? client, List<RegistryError> errors)
    {
        foreach (var method in grant.Methods.Where(m => !service.Methods.Contains(m, StringComparer.OrdinalIgnoreCase)))
        {
            errors.Add(new("grant", grant.Id, "methods", $"method {method} is not offered by service '{service.Id}'"));
        }

        if (service.PersonalData && grant.Purposes.Count == 0)
        {
            errors.Add(new("grant", grant.Id, "purposes", $"service '{service.Id}' carries personal data: the grant must name at least one purpose"));
        }

        if (client is not null && !string.Equals(client.Agency, grant.ConsumerAgency, StringComparison.Ordinal))
        {
            errors.Add(new("grant", grant.Id, "consumerClient", $"consumer client '{client.Id}' belongs to agency '{client.Agency}', not '{grant.ConsumerAgency}'"));
        }
    }

    private static void CheckRateLimit(string entity, string? id, string field, RateLimit? limit, List<RegistryError> errors)
    {
        if (limit is not null && (limit.PerSecond is not (> 0 and <= 1_000_000) || limit.Burst is < 1 or > 10_000_000))
        {
            errors.Add(new(entity, id, field, $"{field} needs perSecond in (0, 1000000] and burst in [1, 10000000]"));
        }
    }

    private static void CheckMethods(string entity, string id, IReadOnlyList<string> methods, List<RegistryError> errors)
    {
        if (methods.Count == 0)
        {
            errors.Add(new(entity, id, "methods", "at least one method is required"));
        }

        foreach (var method in methods.Where(m => !RecordedMethod.IsRegistrable(m)))
        {
            errors.Add(new(entity, id, "methods", $"method '{method}' is not one of {string.Join(", ", RecordedMethod.Registrable)} (upper case)"));
        }
    }

    private static void CheckIdentifier(string entity, string id, List<RegistryError> errors)
    {
        if (!IdentifierPattern().IsMatch(id ?? ""))
        {
            errors.Add(new(entity, id, entity == "agency" ? "code" : "id", "id must be 1-64 characters of a-z, 0-9, '-', '_' or '.', starting with a letter or digit"));
        }
    }

    private static void CheckReference(string entity, string id, string field, string what, string? target, HashSet<string> known, List<RegistryError> errors)
    {
        if (string.IsNullOrEmpty(target))
        {
            errors.Add(new(entity, id, field, $"{what} is required"));
        }
        else if (!known.Contains(target))
        {
            errors.Add(new(entity, id, field, $"unknown {what} '{target}'"));
        }
    }

    private static HashSet<string> CheckUnique<T>(IReadOnlyList<T> items, Func<T, string> key, string entity, List<RegistryError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var id = key(item);
            if (id is null)
            {
                continue;
            }

            if (!seen.Add(id))
            {
                errors.Add(new(entity, id, entity == "agency" ? "code" : "id", "is defined more than once"));
            }
        }

        return seen;
    }

    [GeneratedRegex("^[A-Z0-9_-]{2,32}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,32}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^(/(?!\.{1,2}(/|$))[a-z0-9._-]+)+$")]
    private static partial Regex PathPrefixPattern();
}

/// <summary>One problem in a registry document, naming the entry and the field (JSON name, dotted path) it is about.</summary>
public sealed record RegistryError(string Entity, string? Id, string Field, string Message)
{
    public override string ToString() => $"{Entity} '{Id}': {Message}";
}
