using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Deployment;

/// <summary>
/// The Kubernetes API schemas of the npm package kubernetes-models 5.1.0, which are those of Kubernetes 1.36.0 (merged
/// with the API versions that releases since 1.15 removed, which <c>validate-manifests.mjs</c> refuses). The exact
/// versions of <c>package-lock.json</c> are installed once per machine, into a folder under the system temp folder named
/// after the lock file, never into the repository.
/// </summary>
internal sealed class KubernetesSchemas
{
    private static readonly string Sources = Path.Combine(AppContext.BaseDirectory, "Deployment");

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private static readonly JsonSerializerOptions VerdictFormat = new(JsonSerializerDefaults.Web);

    private readonly string _node;
    private readonly string _packages;

    private KubernetesSchemas(string node, string packages)
    {
        _node = node;
        _packages = packages;
    }

    public static async Task<KubernetesSchemas> InstallAsync()
    {
        var node = RequiredTool.Find("node", RequiredTool.NodeJs);
        var npm = RequiredTool.Find("npm", RequiredTool.NodeJs);
        string[] files = ["package.json", "package-lock.json"];
        var pins = await Task.WhenAll(files.Select(file => File.ReadAllBytesAsync(Path.Combine(Sources, file))));
        var key = Convert.ToHexStringLower(SHA256.HashData([.. pins.SelectMany(bytes => bytes)]))[..16];
        var packages = Path.Combine(Path.GetTempPath(), $"ndxp-kubernetes-schemas-{key}");
        if (!Directory.Exists(packages))
        {
            // Installed beside the cache folder and moved into place whole: a run never sees half an install.
            var staging = $"{packages}.{Guid.NewGuid():N}";
            Directory.CreateDirectory(staging);
            foreach (var file in files)
            {
                File.Copy(Path.Combine(Sources, file), Path.Combine(staging, file));
            }

            var (exitCode, output) = await Tool.RunAsync(npm, "ci", "--prefix", staging, "--ignore-scripts", "--no-audit", "--no-fund")
                .WaitAsync(InstallTimeout);
            if (exitCode != 0)
            {
                Directory.Delete(staging, recursive: true);
                throw new InvalidOperationException($"npm ci of the pinned kubernetes-models failed (is the npm registry reachable?):\n{output}");
            }

            try
            {
                Directory.Move(staging, packages);
            }
            catch (IOException) when (Directory.Exists(packages))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        return new KubernetesSchemas(node, packages);
    }

    /// <summary>Every object of the YAML file with its verdict: valid, invalid (with the schema's errors) or not judged.</summary>
    public async Task<Report> ValidateAsync(string manifestFile)
    {
        var (exitCode, output) = await Tool.RunAsync(_node, Path.Combine(Sources, "validate-manifests.mjs"), _packages, manifestFile);
        var objects = output.Split('\n')
            .Where(line => line.StartsWith('{'))
            .Select(line => JsonSerializer.Deserialize<ObjectVerdict>(line, VerdictFormat)!)
            .ToList();
        return new Report(exitCode, output, objects);
    }

    public sealed record Report(int ExitCode, string Output, IReadOnlyList<ObjectVerdict> Objects)
    {
        /// <summary>The refused objects with the schemas' reasons, or, when the script failed otherwise, its output.</summary>
        public string Refusals()
        {
            var refused = Objects.Where(verdict => verdict.Verdict == "invalid").Select(verdict => $"{verdict.Name} ({verdict.ApiVersion}): {string.Join("; ", verdict.Errors)}").ToList();
            return refused.Count > 0 ? string.Join('\n', refused) : Output;
        }
    }

    /// <param name="Name"><c>Kind/name</c>.</param>
    /// <param name="ApiVersion">The object's <c>apiVersion</c>.</param>
    /// <param name="Verdict"><c>valid</c>, <c>invalid</c> or <c>not-judged</c> (a custom resource).</param>
    /// <param name="Errors">Why an invalid object is: the schema's messages.</param>
    public sealed record ObjectVerdict([property: JsonPropertyName("object")] string Name, string ApiVersion, string Verdict, IReadOnlyList<string> Errors);
}
