using Serilog.Core;
using Serilog.Events;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// Drops log properties that ASP.NET Core adds to every event of a request and that carry the raw path or query
/// string (<c>RequestPath</c>, ...): a data call's path holds a citizen's identifier. The call summary names the
/// service instead.
/// </summary>
internal sealed class PersonalDataRedactor : ILogEventEnricher
{
    private static readonly string[] Dropped = ["RequestPath", "Path", "QueryString", "Uri", "Url", "RequestUri", "HostingRequestStartingLog"];

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        foreach (var name in Dropped)
        {
            logEvent.RemovePropertyIfPresent(name);
        }
    }
}
