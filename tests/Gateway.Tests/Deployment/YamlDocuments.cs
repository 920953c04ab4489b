using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ndxp.Gateway.Tests.Deployment;

/// <summary>
/// YAML documents read with YamlDotNet as JSON nodes (a Kubernetes object is JSON written as YAML). A plain scalar is
/// a null, a boolean or a number where YAML's core schema makes it one; a quoted scalar is a string, so that
/// <c>containerPort: "8080"</c> stays the string it is.
/// </summary>
internal static partial class YamlDocuments
{
    private const string StringTag = "tag:yaml.org,2002:str";

    public static IReadOnlyList<JsonNode> Read(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents
            .Where(document => document.RootNode is not YamlScalarNode { Value: null or "" })
            .Select(document => ToJson(document.RootNode))];
    }

    private static JsonNode ToJson(YamlNode root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, root);
        }

        // Parsed back rather than built node by node: values backed by JSON text convert to any numeric type.
        return JsonNode.Parse(buffer.ToArray())!;
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value ?? "");
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start}");
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain || (!scalar.Tag.IsEmpty && scalar.Tag.Value == StringTag))
        {
            writer.WriteStringValue(text);
        }
        else if (NullPattern().IsMatch(text))
        {
            writer.WriteNullValue();
        }
        else if (BooleanPattern().IsMatch(text))
        {
            writer.WriteBooleanValue(char.ToUpperInvariant(text[0]) == 'T');
        }
        else if (DecimalPattern().IsMatch(text))
        {
            writer.WriteNumberValue(long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }
        else if (text.StartsWith("0o", StringComparison.Ordinal) && OctalPattern().IsMatch(text))
        {
            writer.WriteNumberValue(Convert.ToInt64(text[2..], 8));
        }
        else if (text.StartsWith("0x", StringComparison.Ordinal) && HexadecimalPattern().IsMatch(text))
        {
            writer.WriteNumberValue(Convert.ToInt64(text[2..], 16));
        }
        else if (FloatPattern().IsMatch(text))
        {
            writer.WriteNumberValue(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    [GeneratedRegex("^(~|null|Null|NULL)?$")]
    private static partial Regex NullPattern();

    [GeneratedRegex("^(true|True|TRUE|false|False|FALSE)$")]
    private static partial Regex BooleanPattern();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex("^0o[0-7]+$")]
    private static partial Regex OctalPattern();

    [GeneratedRegex("^0x[0-9a-fA-F]+$")]
    private static partial Regex HexadecimalPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
