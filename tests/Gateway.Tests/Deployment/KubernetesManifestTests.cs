using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Deployment;

/// <summary>
/// The Kubernetes manifests as <c>kubectl kustomize</c> renders them (k8s/README.md): every overlay renders, its
/// built-in objects validate against the Kubernetes schemas, yamllint passes; the production overlay keeps its
/// promises (replicas, the pod security a policy scanner such as checkov or kube-score checks, probes, disruption
/// budget, spread, network policy, drain timing, secrets, monitoring from one source each); the evaluation overlay
/// runs one replica on a volume claim of its own.
/// </summary>
public sealed partial class KubernetesManifestTests(KubernetesOverlays overlays) : IClassFixture<KubernetesOverlays>
{
    private const string AlertRules = "config/prometheus/ndxp-gateway-rules.yml";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static TheoryData<string> Overlays => [.. KubernetesOverlays.Names];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_overlay_renders_named_objects_and_one_gateway_Deployment(string overlay)
    {
        var rendered = overlays[overlay];

        Assert.All(rendered.Objects, manifest =>
        {
            Assert.False(string.IsNullOrEmpty(manifest.Text("apiVersion")), ManifestFields.Describe(manifest) + " has no apiVersion");
            Assert.False(string.IsNullOrEmpty(manifest.Text("metadata", "name")), ManifestFields.Describe(manifest) + " has no name");
        });
        Assert.Single(PodSpec(rendered).Items("containers"), container => container.Text("name") == "gateway");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_built_in_object_of_every_overlay_validates_against_the_Kubernetes_schemas(string overlay)
    {
        var rendered = overlays[overlay];

        var report = await (await overlays.Schemas).ValidateAsync(rendered.File);

        Assert.True(report.ExitCode == 0, $"k8s/overlays/{overlay} renders objects that the Kubernetes schemas refuse:\n{report.Refusals()}");
        // Every object got a verdict, and the only ones not judged are the Prometheus Operator's, which the monitoring
        // tests below assert: a new custom resource needs tests of its own.
        Assert.Equal(rendered.Objects.Select(ManifestFields.Describe), report.Objects.Select(verdict => verdict.Name));
        Assert.All(report.Objects, verdict => Assert.True(
            verdict.Verdict == "valid" || (verdict.Verdict == "not-judged" && verdict.ApiVersion == "monitoring.coreos.com/v1"),
            $"{verdict.Name} ({verdict.ApiVersion}) is {verdict.Verdict}"));
    }

    [Fact]
    public async Task Schema_check_refuses_a_Deployment_whose_containerPort_is_a_string()
    {
        var deployment = await VerdictOnPatchedProductionAsync("Deployment",
            """[{"op": "replace", "path": "/spec/template/spec/containers/0/ports/0/containerPort", "value": "8080"}]""");

        Assert.Equal("invalid", deployment.Verdict);
        Assert.Contains(deployment.Errors, error => error.Contains("containerPort must be integer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Schema_check_refuses_an_API_version_that_Kubernetes_removed_before_1_30()
    {
        // kubernetes-models still holds the schemas of policy/v1beta1 (removed in Kubernetes 1.25).
        var budget = await VerdictOnPatchedProductionAsync("PodDisruptionBudget", """[{"op": "replace", "path": "/apiVersion", "value": "policy/v1beta1"}]""");

        Assert.Equal(("policy/v1beta1", "invalid"), (budget.ApiVersion, budget.Verdict));
        Assert.Contains(budget.Errors, error => error.Contains("not a stable API version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Yamllint_passes_on_k8s_in_strict_mode()
    {
        var yamllint = RequiredTool.Find("yamllint", RequiredTool.Yamllint);

        // yamllint reads the ignore patterns of .yamllint.yaml relative to its working directory: the repository's root.
        var (exitCode, output) = await Tool.RunAsync("env", "--chdir", Repository.Root, yamllint, "--strict", "--config-file", ".yamllint.yaml", "k8s");

        Assert.True(exitCode == 0, "yamllint --strict k8s:\n" + output);
    }

    [Fact]
    public void Production_runs_at_least_three_replicas_and_its_autoscaler_keeps_at_least_three()
    {
        var deployment = overlays.Production.One("Deployment");
        var autoscaler = overlays.Production.One("HorizontalPodAutoscaler");

        Assert.True(deployment.Number("spec", "replicas") >= 3, "production runs fewer than 3 replicas");
        Assert.True(autoscaler.Number("spec", "minReplicas") >= 3, "the autoscaler may scale production below 3 replicas");
        Assert.True(autoscaler.Number("spec", "maxReplicas") >= autoscaler.Number("spec", "minReplicas"));
        Assert.Equal(
            ("apps/v1", "Deployment", deployment.Text("metadata", "name")),
            (autoscaler.Text("spec", "scaleTargetRef", "apiVersion"), autoscaler.Text("spec", "scaleTargetRef", "kind"), autoscaler.Text("spec", "scaleTargetRef", "name")));
    }

    [Fact]
    public void Production_pods_run_as_a_numeric_non_root_user_under_the_RuntimeDefault_seccomp_profile()
    {
        var pod = PodSpec(overlays.Production);
        var podContext = pod.At("securityContext");

        AssertNonRoot("the pod", podContext.Find("runAsNonRoot"), podContext.Find("runAsUser"), podContext.Find("seccompProfile", "type"));
        foreach (var container in Containers(pod))
        {
            // A container's own settings override the pod's: assert what it runs with.
            var context = container.Find("securityContext") ?? new JsonObject();
            AssertNonRoot(
                "container " + container.Text("name"),
                context.Find("runAsNonRoot") ?? podContext.Find("runAsNonRoot"),
                context.Find("runAsUser") ?? podContext.Find("runAsUser"),
                context.Find("seccompProfile", "type") ?? podContext.Find("seccompProfile", "type"));
        }
    }

    [Fact]
    public void Production_containers_have_a_read_only_root_no_privilege_escalation_and_no_capabilities()
    {
        foreach (var container in Containers(PodSpec(overlays.Production)))
        {
            var name = container.Text("name");
            var context = container.At("securityContext");

            Assert.True(context.Flag("readOnlyRootFilesystem") == true, $"{name}: the root filesystem is writable");
            Assert.True(context.Flag("allowPrivilegeEscalation") == false, $"{name}: allowPrivilegeEscalation is not false (unset allows it)");
            Assert.True(context.Flag("privileged") != true, $"{name} is privileged");
            Assert.Contains("ALL", context.Items("capabilities", "drop").Select(capability => capability.GetValue<string>()));
            Assert.Empty(context.Items("capabilities", "add"));
        }
    }

    [Fact]
    public void Production_pods_share_no_host_namespace_port_or_path()
    {
        var pod = PodSpec(overlays.Production);

        foreach (var field in new[] { "hostNetwork", "hostPID", "hostIPC" })
        {
            Assert.True(pod.Flag(field) != true, field + " is on");
        }

        Assert.DoesNotContain(Containers(pod).SelectMany(container => container.Items("ports")), port => port.Find("hostPort") is not null);
        Assert.DoesNotContain(pod.Items("volumes"), volume => volume.Find("hostPath") is not null);
    }

    [Fact]
    public void Production_pods_and_their_service_account_mount_no_API_token()
    {
        var pod = PodSpec(overlays.Production);
        var account = overlays.Production.Named("ServiceAccount", pod.Text("serviceAccountName") ?? "default");

        Assert.True(pod.Flag("automountServiceAccountToken") == false, "the pod mounts a service account token (unset mounts one)");
        Assert.True(account.Flag("automountServiceAccountToken") == false, "the ServiceAccount offers its token to every pod");
    }

    [Fact]
    public void Production_containers_request_and_limit_cpu_and_memory()
    {
        foreach (var container in Containers(PodSpec(overlays.Production)))
        {
            foreach (var bound in new[] { "requests", "limits" })
            {
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(container.Find("resources", bound, resource) is not null, $"{container.Text("name")} has no {resource} {bound}");
                }
            }
        }
    }

    [Fact]
    public void Production_images_name_an_explicit_tag_that_is_not_latest()
    {
        foreach (var container in Containers(PodSpec(overlays.Production)))
        {
            var image = container.Text("image")!;
            var name = image.Split('@')[0];
            var tag = name.LastIndexOf(':') > name.LastIndexOf('/') ? name[(name.LastIndexOf(':') + 1)..] : null;

            Assert.True(tag is not null && tag != "latest", $"{container.Text("name")} runs {image}: name a release tag");
        }
    }

    [Fact]
    public void Production_probes_ask_healthz_and_readyz_on_the_admin_port()
    {
        var container = GatewayContainer(overlays.Production);
        var adminPort = int.Parse(Setting(overlays.Production, container, "Gateway__AdminPort"), CultureInfo.InvariantCulture);

        foreach (var (probe, path) in new[] { ("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz") })
        {
            var request = container.At(probe, "httpGet");
            Assert.Equal((probe, path, adminPort, "HTTP"), (probe, request.Text("path"), ContainerPort(container, request.At("port")), request.Text("scheme") ?? "HTTP"));
        }
    }

    [Fact]
    public void Production_disruption_budget_covers_the_gateway_pods_and_lets_one_go_at_a_time()
    {
        var deployment = overlays.Production.One("Deployment");
        var budget = overlays.Production.One("PodDisruptionBudget");
        var minReplicas = overlays.Production.One("HorizontalPodAutoscaler").Number("spec", "minReplicas");

        Assert.True(Selects(budget.At("spec", "selector"), PodLabels(deployment)), "the PodDisruptionBudget does not select the gateway's pods");
        if (budget.Find("spec", "maxUnavailable") is { } maxUnavailable)
        {
            Assert.True(maxUnavailable.GetValueKind() == JsonValueKind.Number && maxUnavailable.GetValue<int>() == 1, $"maxUnavailable is {maxUnavailable.ToJsonString()}, not 1");
        }
        else
        {
            // At least two serve during a drain, and a drain can proceed.
            var minAvailable = budget.At("spec", "minAvailable");
            Assert.True(minAvailable.GetValueKind() == JsonValueKind.Number, $"minAvailable is {minAvailable.ToJsonString()}, not a number of pods");
            Assert.InRange(minAvailable.GetValue<long>(), 2, minReplicas - 1);
        }
    }

    [Fact]
    public void Production_spreads_replicas_over_nodes_and_zones()
    {
        var deployment = overlays.Production.One("Deployment");
        var constraints = PodSpec(overlays.Production).Items("topologySpreadConstraints").ToList();

        foreach (var topology in new[] { "kubernetes.io/hostname", "topology.kubernetes.io/zone" })
        {
            var constraint = Assert.Single(constraints, constraint => constraint.Text("topologyKey") == topology);
            Assert.True(Selects(constraint.At("labelSelector"), PodLabels(deployment)), $"the spread over {topology} does not count the gateway's pods");
            Assert.Equal(1, constraint.Number("maxSkew"));
        }
    }

    [Fact]
    public void Production_network_policy_admits_the_data_port_from_the_ingress_controller_and_the_admin_port_from_Prometheus_only()
    {
        var production = overlays.Production;
        var policy = production.One("NetworkPolicy");
        var container = GatewayContainer(production);

        Assert.True(Selects(policy.At("spec", "podSelector"), PodLabels(production.One("Deployment"))), "the NetworkPolicy does not select the gateway's pods");
        Assert.Contains("Ingress", policy.Items("spec", "policyTypes").Select(type => type.GetValue<string>()));
        Assert.Equal(
            [
                $"{Setting(production, container, "Gateway__DataPort")}/TCP with pods app.kubernetes.io/name=ingress-nginx in namespaces kubernetes.io/metadata.name=ingress-nginx",
                $"{Setting(production, container, "Gateway__AdminPort")}/TCP with pods app.kubernetes.io/name=prometheus in namespaces kubernetes.io/metadata.name=monitoring",
            ],
            Connections(policy.Items("spec", "ingress"), "from", container));
    }

    [Fact]
    public void Production_network_policy_lets_out_only_DNS_PostgreSQL_Redis_the_providers_network_and_the_identity_provider()
    {
        var policy = overlays.Production.One("NetworkPolicy");

        // Without Egress among its types, the policy lets everything out whatever its egress rules say.
        Assert.Contains("Egress", policy.Items("spec", "policyTypes").Select(type => type.GetValue<string>()));
        Assert.Equal(
            [
                "443/TCP with addresses 10.20.0.0/16",
                "443/TCP with addresses 10.30.0.0/24",
                "53/TCP with pods k8s-app=kube-dns in namespaces kubernetes.io/metadata.name=kube-system",
                "53/UDP with pods k8s-app=kube-dns in namespaces kubernetes.io/metadata.name=kube-system",
                "5432/TCP with pods app.kubernetes.io/name=postgresql",
                "6379/TCP with pods app.kubernetes.io/name=redis",
            ],
            Connections(policy.Items("spec", "egress"), "to", GatewayContainer(overlays.Production)));
    }

    [Fact]
    public void Production_grace_period_outlasts_the_preStop_pause_the_shutdown_delay_and_the_drain()
    {
        var production = overlays.Production;
        var container = GatewayContainer(production);
        var grace = TimeSpan.FromSeconds(PodSpec(production).Number("terminationGracePeriodSeconds"));
        var pause = TimeSpan.FromSeconds(container.Number("lifecycle", "preStop", "sleep", "seconds"));
        var delay = TimeSpan.Parse(Setting(production, container, "Gateway__ShutdownDelay"), CultureInfo.InvariantCulture);
        var drain = TimeSpan.Parse(Setting(production, container, "Gateway__DrainTimeout"), CultureInfo.InvariantCulture);

        // The grace period runs from the start of preStop: past it, SIGKILL cuts the calls still draining.
        Assert.True(grace > pause + delay + drain,
            $"terminationGracePeriodSeconds ({grace.TotalSeconds} s) must exceed the preStop pause ({pause.TotalSeconds} s) + Gateway__ShutdownDelay ({delay.TotalSeconds} s) + Gateway__DrainTimeout ({drain.TotalSeconds} s)");
    }

    [Fact]
    public void Production_reads_the_PostgreSQL_Redis_and_sign_in_secrets_from_Secrets_never_from_its_manifests()
    {
        var production = overlays.Production;
        var container = GatewayContainer(production);

        // The Secrets and keys that k8s/README.md tells the platform to create.
        foreach (var (variable, secret, key) in new[]
        {
            ("Storage__PostgresConnectionString", "ndxp-gateway-store", "postgres-connection-string"),
            ("Limits__Redis", "ndxp-gateway-limits", "redis-configuration"),
            ("SignIn__Console__ClientSecret", "ndxp-gateway-sign-in", "console-client-secret"),
            ("SignIn__Portal__ClientSecret", "ndxp-gateway-sign-in", "portal-client-secret"),
        })
        {
            var setting = Assert.Single(container.Items("env"), entry => entry.Text("name") == variable);
            Assert.Null(setting.Find("value"));
            Assert.Equal((secret, key), (setting.Text("valueFrom", "secretKeyRef", "name"), setting.Text("valueFrom", "secretKeyRef", "key")));
            Assert.All(production.OfKind("ConfigMap"), map => Assert.False(map.Strings("data").ContainsKey(variable), $"{ManifestFields.Describe(map)} holds {variable}"));
        }

        Assert.Empty(production.OfKind("Secret"));
    }

    [Fact]
    public void Production_replicas_share_the_issuer()
    {
        var production = overlays.Production;

        var issuer = Setting(production, GatewayContainer(production), "Identity__Issuer");

        Assert.True(Uri.TryCreate(issuer, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps, $"Identity__Issuer {issuer} is not an https URL");
    }

    [Theory]
    [InlineData("Identity__SigningKeysDirectory", "Identity__GenerateSigningKeyIfMissing", "ndxp-gateway-signing-keys")]
    [InlineData("Trail__KeysDirectory", "Trail__GenerateKeyIfMissing", "ndxp-gateway-trail-keys")]
    public void Production_replicas_share_their_keys_mounted_read_only_from_a_Secret_and_never_make_their_own(string directory, string generate, string secret)
    {
        var production = overlays.Production;
        var container = GatewayContainer(production);

        Assert.Equal("false", Setting(production, container, generate), ignoreCase: true);
        var keys = Setting(production, container, directory);
        var mount = Assert.Single(container.Items("volumeMounts"), mount => mount.Text("mountPath") == keys);
        Assert.True(mount.Flag("readOnly") == true, $"{directory} is mounted writable");
        var volume = Assert.Single(PodSpec(production).Items("volumes"), volume => volume.Text("name") == mount.Text("name"));
        Assert.Equal(secret, volume.Text("secret", "secretName"));
    }

    [Fact]
    public void Production_service_monitor_scrapes_metrics_on_the_admin_port_as_the_job_the_alerts_select()
    {
        var production = overlays.Production;
        var monitor = production.One("ServiceMonitor");
        var service = production.One("Service");
        var container = GatewayContainer(production);

        Assert.True(Selects(monitor.At("spec", "selector"), service.Strings("metadata", "labels")), "the ServiceMonitor does not select the Service");
        Assert.True(IsSubset(service.Strings("spec", "selector"), PodLabels(production.One("Deployment"))), "the Service does not select the gateway's pods");
        var endpoint = Assert.Single(monitor.Items("spec", "endpoints"));
        Assert.Equal("/metrics", endpoint.Text("path"));
        var port = Assert.Single(service.Items("spec", "ports"), port => port.Text("name") == endpoint.Text("port"));
        Assert.Equal(Setting(production, container, "Gateway__AdminPort"), ContainerPort(container, port.At("targetPort")).ToString(CultureInfo.InvariantCulture));
        // Prometheus names the job after the Service's label that jobLabel names.
        var job = service.Strings("metadata", "labels")[monitor.Text("spec", "jobLabel")!];
        var selected = JobPattern().Matches(File.ReadAllText(Repository.File(AlertRules))).Select(match => match.Groups[1].Value).Distinct();
        Assert.Equal([job], selected);
    }

    [Fact]
    public void Production_prometheus_rule_holds_the_groups_of_config_prometheus()
    {
        var rule = overlays.Production.One("PrometheusRule");
        var source = Assert.Single(YamlDocuments.Read(File.ReadAllText(Repository.File(AlertRules))));

        AssertSameJson(source.At("groups"), rule.At("spec", "groups"), $"the PrometheusRule differs from {AlertRules}: run k8s/generate.sh");
    }

    [Fact]
    public void Production_dashboard_ConfigMap_holds_the_one_dashboard_file_that_config_grafana_links_to()
    {
        var dashboard = Repository.File("k8s", "components", "monitoring", "ndxp-gateway-dashboard.json");
        var link = new FileInfo(Repository.File("config", "grafana", "ndxp-gateway-dashboard.json"));
        var configMap = overlays.Production.Named("ConfigMap", "ndxp-gateway-dashboard");

        Assert.True(link.LinkTarget is not null, "config/grafana/ndxp-gateway-dashboard.json is a file of its own, not the link to k8s/components/monitoring's");
        Assert.Equal(Path.GetFullPath(dashboard), link.ResolveLinkTarget(returnFinalTarget: true)!.FullName);
        Assert.Equal("1", configMap.Text("metadata", "labels", "grafana_dashboard"));
        AssertSameJson(
            JsonNode.Parse(File.ReadAllText(dashboard))!,
            JsonNode.Parse(configMap.Text("data", "ndxp-gateway-dashboard.json")!)!,
            "the dashboard ConfigMap differs from k8s/components/monitoring/ndxp-gateway-dashboard.json");
    }

    [Fact]
    public void Evaluation_runs_exactly_one_replica_that_stops_before_its_successor_starts()
    {
        var evaluation = overlays.Evaluation;
        var deployment = evaluation.One("Deployment");

        Assert.Equal(1, deployment.Number("spec", "replicas"));
        Assert.Equal("Recreate", deployment.Text("spec", "strategy", "type"));
        // Kubernetes refuses rollingUpdate beside Recreate (the schemas do not): the overlay removes the base's.
        Assert.Null(deployment.Find("spec", "strategy", "rollingUpdate"));
        // One writer for the SQLite file: nothing scales it out.
        Assert.Empty(evaluation.OfKind("HorizontalPodAutoscaler"));
    }

    [Fact]
    public void Evaluation_keeps_its_data_and_signing_key_on_a_PersistentVolumeClaim_the_overlay_defines()
    {
        var evaluation = overlays.Evaluation;
        var container = GatewayContainer(evaluation);
        var data = Setting(evaluation, container, "Gateway__DataDirectory");

        var mount = Assert.Single(container.Items("volumeMounts"), mount => mount.Text("mountPath") == data);
        var volume = Assert.Single(PodSpec(evaluation).Items("volumes"), volume => volume.Text("name") == mount.Text("name"));
        // One source per volume (Kubernetes refuses two; the schemas do not): the base's emptyDir is gone.
        Assert.Equal(["name", "persistentVolumeClaim"], volume.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        var claim = evaluation.Named("PersistentVolumeClaim", volume.Text("persistentVolumeClaim", "claimName")!);
        Assert.Equal(evaluation.One("Deployment").Text("metadata", "namespace"), claim.Text("metadata", "namespace"));
        // The generated signing key survives a restart, or every token issued before it stops verifying.
        Assert.StartsWith(data.TrimEnd('/') + "/", Setting(evaluation, container, "Identity__SigningKeysDirectory"), StringComparison.Ordinal);
    }

    /// <summary>The schema check's verdict on the production overlay's object of <paramref name="kind"/> after a JSON patch.</summary>
    private async Task<KubernetesSchemas.ObjectVerdict> VerdictOnPatchedProductionAsync(string kind, string jsonPatch)
    {
        var broken = await overlays.RenderPatchedAsync("production", kind, jsonPatch);

        var report = await (await overlays.Schemas).ValidateAsync(broken.File);

        Assert.Equal(1, report.ExitCode);
        return Assert.Single(report.Objects, verdict => verdict.Name == ManifestFields.Describe(broken.One(kind)));
    }

    private static JsonNode PodSpec(RenderedManifests rendered) => rendered.One("Deployment").At("spec", "template", "spec");

    private static IEnumerable<JsonNode> Containers(JsonNode pod) => pod.Items("initContainers").Concat(pod.Items("containers"));

    private static JsonNode GatewayContainer(RenderedManifests rendered) =>
        Assert.Single(PodSpec(rendered).Items("containers"), container => container.Text("name") == "gateway");

    private static IReadOnlyDictionary<string, string> PodLabels(JsonNode deployment) => deployment.Strings("spec", "template", "metadata", "labels");

    private static string Setting(RenderedManifests rendered, JsonNode container, string name) =>
        rendered.Settings(container).TryGetValue(name, out var value)
            ? value
            : throw new InvalidOperationException($"the {rendered.Name} overlay does not set {name} for container {container.Text("name")}");

    private static void AssertNonRoot(string what, JsonNode? runAsNonRoot, JsonNode? runAsUser, JsonNode? seccompProfile)
    {
        Assert.True(runAsNonRoot?.GetValue<bool>() == true, $"{what}: runAsNonRoot is not true");
        Assert.True(runAsUser?.GetValueKind() == JsonValueKind.Number && runAsUser.GetValue<long>() > 0, $"{what}: runAsUser is {runAsUser?.ToJsonString() ?? "unset"}, not a numeric non-root user");
        Assert.True(seccompProfile?.GetValue<string>() == "RuntimeDefault", $"{what}: the seccomp profile is {seccompProfile?.ToJsonString() ?? "unset"}, not RuntimeDefault");
    }

    /// <summary>Whether a label selector with <c>matchLabels</c> only, and at least one, selects pods with these labels.</summary>
    private static bool Selects(JsonNode selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Find("matchExpressions") is null && selector.Strings("matchLabels").Count > 0 && IsSubset(selector.Strings("matchLabels"), labels);

    private static bool IsSubset(IReadOnlyDictionary<string, string> required, IReadOnlyDictionary<string, string> labels) =>
        required.Count > 0 && required.All(label => labels.TryGetValue(label.Key, out var value) && value == label.Value);

    private static int ContainerPort(JsonNode container, JsonNode port) =>
        port.GetValueKind() == JsonValueKind.Number
            ? port.GetValue<int>()
            : (int)Assert.Single(container.Items("ports"), named => named.Text("name") == port.GetValue<string>()).Number("containerPort");

    /// <summary>
    /// What NetworkPolicy rules allow, one line per port and peer (<c>5432/TCP with pods app=postgresql</c>), sorted: a
    /// rule without peers or ports allows every peer or port, and reads so.
    /// </summary>
    private static List<string> Connections(IEnumerable<JsonNode> rules, string peers, JsonNode container) =>
    [
        .. rules.SelectMany(rule =>
            (rule.Find("ports") is null ? ["any port"] : rule.Items("ports").Select(port => Port(port, container)))
            .SelectMany(port => (rule.Find(peers) is null ? ["anyone"] : rule.Items(peers).Select(Peer)).Select(peer => $"{port} with {peer}")))
            .Order(StringComparer.Ordinal),
    ];

    private static string Port(JsonNode port, JsonNode container) =>
        (port.Find("port") is { } number ? ContainerPort(container, number).ToString(CultureInfo.InvariantCulture) : "any port")
        + (port.Find("endPort") is { } end ? $"-{end}" : "")
        + "/" + (port.Text("protocol") ?? "TCP");

    private static string Peer(JsonNode peer)
    {
        if (peer.Find("ipBlock") is { } block)
        {
            var except = block.Items("except").Select(cidr => cidr.GetValue<string>()).ToList();
            return $"addresses {block.Text("cidr")}" + (except.Count > 0 ? " except " + string.Join(", ", except) : "");
        }

        var pods = peer.Find("podSelector") is { } podSelector ? Selector(podSelector) : "all";
        return $"pods {pods}" + (peer.Find("namespaceSelector") is { } namespaces ? $" in namespaces {Selector(namespaces)}" : "");
    }

    private static string Selector(JsonNode selector) =>
        selector.Find("matchExpressions") is { } expressions
            ? expressions.ToJsonString()
            : selector.Strings("matchLabels") is { Count: > 0 } labels
                ? string.Join(",", labels.Select(label => $"{label.Key}={label.Value}"))
                : "all";

    private static void AssertSameJson(JsonNode expected, JsonNode actual, string message)
    {
        if (JsonNode.DeepEquals(expected, actual))
        {
            return;
        }

        // Objects' fields sorted (kubectl sorts them), and the first line that differs.
        var expectedLines = Sorted(expected)!.ToJsonString(Indented).Split('\n');
        var actualLines = Sorted(actual)!.ToJsonString(Indented).Split('\n');
        var line = expectedLines.Zip(actualLines).TakeWhile(pair => pair.First == pair.Second).Count();
        Assert.Fail($"{message}\nfirst difference, line {line + 1} of the sorted JSON:\n"
            + $"  expected: {expectedLines.ElementAtOrDefault(line)?.Trim()}\n  rendered: {actualLines.ElementAtOrDefault(line)?.Trim()}");
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject fields => new JsonObject(fields.OrderBy(field => field.Key, StringComparer.Ordinal).Select(field => KeyValuePair.Create(field.Key, Sorted(field.Value)))),
        JsonArray items => new JsonArray([.. items.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    [GeneratedRegex("job=\"([^\"]+)\"")]
    private static partial Regex JobPattern();
}
