using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ndxp.Gateway.Registry;

/// <summary>How registry documents are written as JSON, in the declarative file and in the store alike.</summary>
public static class RegistryJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // A misspelt field in a hand-written file must be an error, not a silently ignored setting.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
    };

    /// <summary>Reads a declarative registry file; a syntax or shape error names the file, line and field.</summary>
    public static RegistryDocument ReadFile(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<RegistryDocument>(stream, Options)
                ?? throw new InvalidDataException($"Registry file '{path}' is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Registry file '{path}' is not a valid registry document: {ex.Message}", ex);
        }
    }
}
