using System.Text.Json;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>Reads an admin request body in the registry's own JSON format; a bad body is a 400 naming the field.</summary>
internal static partial class AdminBody
{
    public static async Task<T> ReadAsync<T>(HttpContext context)
        where T : class
    {
        if (!context.Request.HasJsonContentType())
        {
            throw new AdminRefusal(ProblemKind.UnsupportedMediaType, "Send the body as application/json.");
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, RegistryJson.Options, context.RequestAborted)
                ?? throw AdminRefusal.InvalidField("$", "The body must be a JSON object, not null.");
        }
        catch (JsonException ex)
        {
            // The serializer's message names the problem and the JSON path; it never echoes the offending value.
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "$" : ex.Path.TrimStart('$', '.');
            throw AdminRefusal.InvalidField(field, Describe(ex, field));
        }
    }

    // The serializer's messages name .NET types; operators need the JSON field instead.
    private static string Describe(JsonException exception, string field)
    {
        var message = exception.Message;
        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            return $"required field(s) missing: {missing.Groups[1].Value}";
        }

        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return $"unknown field '{field}'";
        }

        return field == "$" ? "the body is not valid JSON" : $"'{field}' has a value of the wrong type or format";
    }

    [System.Text.RegularExpressions.GeneratedRegex("missing required properties including: (.+?)\\.?$")]
    private static partial System.Text.RegularExpressions.Regex MissingRequired();
}
