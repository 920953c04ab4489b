using System.Text.Json.Nodes;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Deployment;

/// <summary>One kustomization as <c>kubectl kustomize</c> renders it: its objects, and the file the schema check reads.</summary>
public sealed class RenderedManifests
{
    private RenderedManifests(string name, string file, IReadOnlyList<JsonNode> objects)
    {
        Name = name;
        File = file;
        Objects = objects;
    }

    /// <summary>The kustomization's folder name (<c>production</c>).</summary>
    public string Name { get; }

    /// <summary>The rendered YAML.</summary>
    public string File { get; }

    public IReadOnlyList<JsonNode> Objects { get; }

    /// <summary>Renders the kustomization in <paramref name="folder"/> into <paramref name="file"/>; fails with kubectl's message.</summary>
    public static async Task<RenderedManifests> RenderAsync(string folder, string file)
    {
        var kubectl = RequiredTool.Find("kubectl", RequiredTool.Kubectl);
        var (exitCode, output) = await Tool.RunAsync(kubectl, "kustomize", folder, "--output", file);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {Path.GetRelativePath(Repository.Root, folder)} failed:\n{output}");
        }

        return new RenderedManifests(Path.GetFileName(folder), file, YamlDocuments.Read(await System.IO.File.ReadAllTextAsync(file)));
    }

    public IEnumerable<JsonNode> OfKind(string kind) => Objects.Where(manifest => manifest.Text("kind") == kind);

    /// <summary>The one object of this kind; fails when there is none or more than one.</summary>
    public JsonNode One(string kind)
    {
        var found = OfKind(kind).ToList();
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException($"{Name} renders {found.Count} objects of kind {kind}, not one: {Inventory()}");
    }

    public JsonNode Named(string kind, string name) =>
        OfKind(kind).SingleOrDefault(manifest => manifest.Text("metadata", "name") == name)
        ?? throw new InvalidOperationException($"{Name} renders no {kind}/{name}: {Inventory()}");

    /// <summary>
    /// The environment a container gets from its manifests: the ConfigMaps its <c>envFrom</c> names (resolved by name,
    /// as kustomize suffixes them) and, over them, the literal values of its <c>env</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings(JsonNode container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.Items("envFrom"))
        {
            var map = Named("ConfigMap", source.Text("configMapRef", "name") ?? throw new InvalidOperationException("envFrom without a configMapRef"));
            foreach (var (variable, value) in map.Strings("data"))
            {
                settings[source.Text("prefix") + variable] = value;
            }
        }

        foreach (var variable in container.Items("env").Where(variable => variable.Find("value") is not null))
        {
            settings[variable.Text("name")!] = variable.Text("value")!;
        }

        return settings;
    }

    private string Inventory() => string.Join(", ", Objects.Select(ManifestFields.Describe));
}
