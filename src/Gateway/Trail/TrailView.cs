using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Trail;

/// <summary>One entry of a trail as shown: the agency and service by name, the purpose, and whether access was allowed.</summary>
public sealed record TrailItem(
    DateTimeOffset At, string Agency, string AgencyName, string Service, string ServiceName, string? Purpose, bool Allowed, string Outcome, int Status)
{
    /// <summary>What an auditor sees besides (absent from a citizen's view): the client, the transaction (to find the call's record) and whether citizens see it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Client { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TransactionId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? HiddenFromCitizen { get; init; }

    public static TrailItem Of(TrailEntry entry, RegistrySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(
            entry.Timestamp,
            entry.Agency,
            snapshot.Agencies.TryGetValue(entry.Agency, out var agency) ? agency.Name : entry.Agency,
            entry.Service,
            snapshot.Services.TryGetValue(entry.Service, out var service) ? service.Definition.Name ?? entry.Service : entry.Service,
            entry.Purpose,
            entry.Outcome.IsAdmitted(),
            entry.Outcome.Name(),
            entry.Status);
    }

    /// <summary>The entry as an auditor sees it: as a citizen would, and the client, the transaction and whether citizens see it.</summary>
    public static TrailItem ForAuditor(TrailEntry entry, RegistrySnapshot snapshot) => Of(entry, snapshot) with
    {
        Client = entry.Client,
        TransactionId = entry.TransactionId,
        HiddenFromCitizen = snapshot.HiddenFromCitizens.Contains(entry.Agency),
    };
}

/// <summary>A page of a trail, newest first; <see cref="Next"/> is the <c>before</c> of the next page, null at the end.</summary>
public sealed record TrailPage(IReadOnlyList<TrailItem> Items, string? Next)
{
    public string ToCsv()
    {
        var csv = new StringBuilder("at,agency,agencyName,service,serviceName,purpose,allowed,outcome,status\n");
        foreach (var item in Items)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{item.At:yyyy-MM-ddTHH:mm:ss.fffZ},{Csv.Field(item.Agency)},{Csv.Field(item.AgencyName)},{Csv.Field(item.Service)},{Csv.Field(item.ServiceName)},{Csv.Field(item.Purpose ?? "")},{(item.Allowed ? "true" : "false")},{item.Outcome},{item.Status}\n");
        }

        return csv.ToString();
    }
}
