using Serilog.Core;
using Serilog.Events;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// Drops log properties that ASP.NET Core adds to every event of a request and that carry the raw path or query
/// string (<c>RequestPath</c>, ...): a data call's path holds a citizen's identifier. The call summary names the
/// service instead. Removing the property also blanks it in the rendered message.
/// </summary>
internal sealed class PersonalDataRedactor : ILogEventEnricher
{
    // ASP.NET Core hosting and routing (RequestPath, Path, QueryString), HttpClient (Uri) and YARP (targetUrl).
    private static readonly string[] Dropped = ["RequestPath", "Path", "QueryString", "Uri", "Url", "RequestUri", "targetUrl", "uri"];

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        foreach (var name in Dropped)
        {
            logEvent.RemovePropertyIfPresent(name);
        }
    }
}
