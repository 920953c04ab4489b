using System.Net;
using System.Runtime.Versioning;
using Ndxp.Gateway.Load;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Deployment;

/// <summary>
/// The images as an operator runs them: read-only root filesystem, every capability dropped, a numeric non-root user;
/// the demo providers answer, and the gateway in front of them issues a token and forwards a data call.
/// </summary>
[Collection(ContainerCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class ContainerImageTests(ContainerImages images)
{
    private const string Citizen = "/population/v1/citizens/001099012345";

    [Fact]
    public async Task The_gateway_and_demo_provider_images_run_read_only_without_capabilities_and_answer_a_token_and_a_data_call()
    {
        var providersPort = FreePort.Next();
        await images.RunAsync("image-test-providers", ContainerImages.DemoProviders, [], [$"http://127.0.0.1:{providersPort}"]);
        using var providers = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{providersPort}") };
        await Poll.UntilAsync(() => providers.AnswersAsync("/healthz"), "the demo providers answer", TimeSpan.FromSeconds(30));
        using (var direct = await providers.GetAsync(Citizen))
        {
            Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        }

        var seed = await GatewayContainer.WriteSeedAsync(DemoTestRegistry.Build(providers.BaseAddress!.ToString().TrimEnd('/')));
        using var gateway = await GatewayContainer.StartAsync(images, "image-test-gateway", seed, []);
        var client = ScenarioCatalog.DemoClients.Single(c => c.Id == "vcb-ekyc");
        var token = await gateway.Data.TokenAsync(client.Id, client.Secret);
        using (var call = await gateway.Data.CallAsync(HttpMethod.Get, Citizen, token, "ekyc"))
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
            Assert.Contains("001099012345", await call.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        foreach (var container in new[] { "image-test-providers", "image-test-gateway" })
        {
            Assert.Equal("10001:10001 true [ALL]", await images.Engine.DockerCheckedAsync(
                "inspect", "--format", "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}}", container));
        }

        Assert.Equal(0, await gateway.StopAsync());
        Assert.Contains("Metering writer stopped", await gateway.LogsAsync(), StringComparison.Ordinal);
        await images.Engine.DockerCheckedAsync("rm", "--force", "--volumes", "image-test-providers", "image-test-gateway");
        Directory.Delete(seed, recursive: true);
    }

    [Fact]
    public async Task The_images_carry_no_keys_and_no_secret_settings()
    {
        foreach (var image in new[] { ContainerImages.Gateway, ContainerImages.DemoProviders })
        {
            var keys = await images.Engine.DockerCheckedAsync(
                "run", "--rm", "--network", "host", "--entrypoint", "/usr/bin/find", image, "/app", "/var/lib", "-name", "*.pem", "-o", "-name", "*.key",
                "-o", "-name", "*.pfx", "-o", "-name", "*.p12", "-o", "-name", "*.db");
            Assert.True(keys.Length == 0, $"{image} holds {keys}");
            var environment = await images.Engine.DockerCheckedAsync("image", "inspect", "--format", "{{json .Config.Env}}", image);
            foreach (var secret in new[] { "Secret", "Password", "ConnectionString", "Redis", "Key" })
            {
                Assert.DoesNotContain(secret, environment, StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
