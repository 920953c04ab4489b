using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ndxp.Gateway.Tests.Deployment;

/// <summary>Fields of a rendered Kubernetes object by path (<c>"spec", "template", "spec"</c>).</summary>
internal static class ManifestFields
{
    /// <summary>The field at this path; fails naming the object and the path when it is missing.</summary>
    public static JsonNode At(this JsonNode node, params string[] path) =>
        node.Find(path) ?? throw new InvalidOperationException($"{Describe(node.Root)} has no {node.GetPath()}.{string.Join('.', path)}");

    /// <summary>The field at this path, or null when it (or an object on the way) is missing.</summary>
    public static JsonNode? Find(this JsonNode node, params string[] path)
    {
        JsonNode? current = node;
        foreach (var name in path)
        {
            current = current is JsonObject fields ? fields[name] : null;
        }

        return current;
    }

    public static string? Text(this JsonNode node, params string[] path) => node.Find(path)?.GetValue<string>();

    public static bool? Flag(this JsonNode node, params string[] path) => node.Find(path)?.GetValue<bool>();

    public static long Number(this JsonNode node, params string[] path)
    {
        var value = node.At(path);
        return value.GetValueKind() == JsonValueKind.Number
            ? value.GetValue<long>()
            : throw new InvalidOperationException($"{Describe(node.Root)}'s {value.GetPath()} is {value.ToJsonString()}, not a number");
    }

    /// <summary>The items of the list at this path; none when it is missing.</summary>
    public static IEnumerable<JsonNode> Items(this JsonNode node, params string[] path) =>
        node.Find(path) is JsonArray items ? items.OfType<JsonNode>() : [];

    /// <summary>The string map at this path (labels, a selector's matchLabels, a ConfigMap's data); empty when missing.</summary>
    public static IReadOnlyDictionary<string, string> Strings(this JsonNode node, params string[] path) =>
        node.Find(path) is JsonObject map
            ? map.ToDictionary(field => field.Key, field => field.Value?.GetValue<string>() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary><c>Kind/name</c>, as kubectl names an object.</summary>
    public static string Describe(JsonNode manifest) => $"{manifest.Find("kind")}/{manifest.Find("metadata", "name")}";
}
