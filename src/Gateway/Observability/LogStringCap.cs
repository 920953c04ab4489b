using Serilog.Core;
using Serilog.Events;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// Cuts every string property of a log event to <see cref="ObservabilityOptions.LogStringMaxLength"/> characters
/// (an ellipsis marks the cut), and with it the rendered message: a caller chooses many logged values (the method in
/// ASP.NET Core's "Request starting", a header) and must not be able to write kilobytes into every line. Serilog's
/// own <c>ToMaximumStringLength</c> only applies to destructured values, not to the scalars Microsoft.Extensions.Logging
/// passes. The exception of an error event (a bug's stack trace) is left whole.
/// </summary>
internal sealed class LogStringCap : ILogEventEnricher
{
    private const int Max = ObservabilityOptions.LogStringMaxLength;

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        List<LogEventProperty>? cut = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (Cut(value) is { } shorter)
            {
                (cut ??= []).Add(new LogEventProperty(name, shorter));
            }
        }

        foreach (var property in cut ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary>The text as a log may hold it: whole up to the limit, else cut with an ellipsis (no copy when short).</summary>
    public static string Cut(string text) =>
        text.Length > Max ? string.Concat(text.AsSpan(0, Max - 1), "…") : text;

    // The value with every string in it cut, or null when none is too long (the common case allocates nothing).
    private static LogEventPropertyValue? Cut(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } when text.Length > Max => new ScalarValue(Cut(text)),
        SequenceValue sequence when sequence.Elements.Any(e => Cut(e) is not null) => new SequenceValue(sequence.Elements.Select(e => Cut(e) ?? e)),
        StructureValue structure when structure.Properties.Any(p => Cut(p.Value) is not null) =>
            new StructureValue(structure.Properties.Select(p => Cut(p.Value) is { } shorter ? new LogEventProperty(p.Name, shorter) : p), structure.TypeTag),
        _ => null,
    };
}
