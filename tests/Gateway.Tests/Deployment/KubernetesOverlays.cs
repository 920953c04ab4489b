using System.Text.Json.Nodes;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Deployment;

/// <summary>
/// Every overlay under <c>k8s/overlays</c>, rendered once for the test class, and the Kubernetes schemas to validate
/// them with (installed on first use).
/// </summary>
public sealed class KubernetesOverlays : IAsyncLifetime
{
    private readonly Lazy<Task<KubernetesSchemas>> _schemas = new(KubernetesSchemas.InstallAsync);
    private Dictionary<string, RenderedManifests> _rendered = [];

    /// <summary>The overlays' folder names, in order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Directory.GetDirectories(Repository.File("k8s", "overlays")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    public RenderedManifests this[string overlay] => _rendered[overlay];

    public RenderedManifests Production => this["production"];

    public RenderedManifests Evaluation => this["evaluation"];

    internal Task<KubernetesSchemas> Schemas => _schemas.Value;

    private string Folder { get; } = Directory.CreateTempSubdirectory("ndxp-k8s-").FullName;

    public async Task InitializeAsync()
    {
        var rendered = await Task.WhenAll(Names.Select(overlay =>
            RenderedManifests.RenderAsync(Repository.File("k8s", "overlays", overlay), Path.Combine(Folder, overlay + ".yaml"))));
        _rendered = rendered.ToDictionary(overlay => overlay.Name, StringComparer.Ordinal);
    }

    /// <summary>
    /// The overlay with a JSON patch (RFC 6902) applied to its objects of <paramref name="kind"/>: a kustomization of
    /// its own in a temporary folder, naming the overlay as its resource.
    /// </summary>
    public async Task<RenderedManifests> RenderPatchedAsync(string overlay, string kind, string jsonPatch)
    {
        var folder = Path.Combine(Folder, $"{overlay}-patched-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var kustomization = new JsonObject
        {
            // kustomize refuses an absolute path to a kustomization.
            ["resources"] = new JsonArray(Path.GetRelativePath(folder, Repository.File("k8s", "overlays", overlay))),
            ["patches"] = new JsonArray(new JsonObject { ["target"] = new JsonObject { ["kind"] = kind }, ["patch"] = jsonPatch }),
        };
        await File.WriteAllTextAsync(Path.Combine(folder, "kustomization.yaml"), kustomization.ToJsonString());
        return await RenderedManifests.RenderAsync(folder, Path.Combine(folder, "rendered.yaml"));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}
