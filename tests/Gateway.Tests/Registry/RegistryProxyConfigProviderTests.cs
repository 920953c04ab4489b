using Microsoft.Extensions.Options;
using Ndxp.Gateway.Forwarding;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Registry;

public sealed class RegistryProxyConfigProviderTests
{
    private static readonly RegistryDocument Document = TestRegistry.Build("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3");

    [Fact]
    public void Each_service_becomes_a_cluster_carrying_its_id_and_timeout_and_no_route_is_left_to_match()
    {
        var snapshots = new RegistrySnapshotProvider();
        snapshots.Publish(RegistrySnapshot.Compile(Document, 1));

        var config = new RegistryProxyConfigProvider(snapshots, Options.Create(new ForwardingOptions())).GetConfig();

        // The data path finds the service itself (RegistrySnapshot.FindService): a route would be matched by nobody.
        Assert.Empty(config.Routes);
        var slow = Assert.Single(config.Clusters, c => c.ClusterId == "slow");
        Assert.Equal(TimeSpan.FromMilliseconds(500), slow.HttpRequest!.ActivityTimeout);
        Assert.Equal("http://127.0.0.1:2", Assert.Single(slow.Destinations!).Value.Address);
        Assert.Equal(Document.Services.Select(s => s.Id).Order(), config.Clusters.Select(c => c.ClusterId).Order());
    }

    [Fact]
    public void Publishing_a_new_snapshot_fires_the_change_token_and_the_next_config_follows_it()
    {
        var snapshots = new RegistrySnapshotProvider();
        snapshots.Publish(RegistrySnapshot.Compile(Document, 1));
        var provider = new RegistryProxyConfigProvider(snapshots, Options.Create(new ForwardingOptions()));
        var before = provider.GetConfig();

        var smaller = Document with
        {
            Services = Document.Services.Where(s => s.Id != "dead").ToList(),
            Grants = Document.Grants.Where(g => g.Service != "dead").ToList(),
        };
        snapshots.Publish(RegistrySnapshot.Compile(smaller, 2));

        Assert.True(before.ChangeToken.HasChanged);
        var after = provider.GetConfig();
        Assert.False(after.ChangeToken.HasChanged);
        Assert.DoesNotContain(after.Clusters, c => c.ClusterId == "dead");
    }
}
