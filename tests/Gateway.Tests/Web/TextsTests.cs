using System.Text.RegularExpressions;
using System.Xml.Linq;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Web;

/// <summary>
/// Every text the console and portal show is in both resource files, English and Vietnamese: a key missing from one
/// would show the key itself to a person reading that language.
/// </summary>
public sealed partial class TextsTests
{
    private static readonly string Web = Repository.File("src", "Gateway", "Web");
    private static readonly string[] Groupings = ["hour", "day", "month"];
    private static readonly string[] Healths = ["Healthy", "Unhealthy", "Unknown"];

    [Fact]
    public void English_and_vietnamese_name_the_same_keys_and_no_text_is_empty()
    {
        var english = Texts("Texts.resx");
        var vietnamese = Texts("Texts.vi.resx");

        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), vietnamese.Keys.Order(StringComparer.Ordinal));
        Assert.All(english.Concat(vietnamese), text => Assert.False(string.IsNullOrWhiteSpace(text.Value), text.Key));
        Assert.Contains(english, text => english[text.Key] != vietnamese[text.Key]);
    }

    [Fact]
    public void Every_key_the_pages_use_is_in_the_resources()
    {
        var keys = Texts("Texts.resx").Keys.ToHashSet(StringComparer.Ordinal);
        var sources = Directory.EnumerateFiles(Web, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .Where(f => !f.Contains("node_modules", StringComparison.Ordinal));
        var used = sources.SelectMany(f => LiteralKey().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        // Keys the pages build from a value: one per value.
        used.UnionWith(Enum.GetNames<AgencyKind>().Select(k => "Kind." + k));
        used.UnionWith(Enum.GetNames<EntityStatus>().Select(s => "Status." + s));
        used.UnionWith(Enum.GetNames<AccessRequestState>().Select(s => "Requests.State." + s));
        used.UnionWith(Groupings.Select(g => "Usage.By." + g));
        used.UnionWith(Healths.Select(h => "Health." + h));

        Assert.True(used.Count > 100, $"only {used.Count} keys found: the pattern no longer matches the pages");
        Assert.Empty(used.Where(key => !keys.Contains(key)).Order(StringComparer.Ordinal));
    }

    private static Dictionary<string, string> Texts(string file) =>
        XDocument.Load(Path.Combine(Web, file)).Root!.Elements("data").ToDictionary(e => e.Attribute("name")!.Value, e => e.Element("value")!.Value, StringComparer.Ordinal);

    // T["Key"], T["Key", ...], texts["Key"], Text("Key", ...), and a key handed on as a call's last argument.
    [GeneratedRegex("""(?:T\[|texts\[|Text\(|, )"([A-Z][A-Za-z]+\.[A-Za-z.]+)"[,\]\)]""")]
    private static partial Regex LiteralKey();
}
