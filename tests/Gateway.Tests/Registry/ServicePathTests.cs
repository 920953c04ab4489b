using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Registry;

/// <summary>
/// A data call's path names its service as the route template <c>{pathPrefix}/{**remainder}</c> did: the prefix on a
/// segment boundary, any case, with or without a remainder; nothing else.
/// </summary>
public sealed class ServicePathTests
{
    private static readonly RegistrySnapshot Snapshot = RegistrySnapshot.Compile(TestRegistry.Build("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"), 1);

    [Theory]
    [InlineData("/population/v1/citizens/001099012345", "population")]
    [InlineData("/population/v1", "population")]
    [InlineData("/population/v1/", "population")]
    [InlineData("/POPULATION/V1/citizens/1", "population")]
    [InlineData("/echo", "echo")]
    [InlineData("/echo/a/b/c/d/e", "echo")]
    [InlineData("/enterprise/v1/companies/0101234567", "enterprise")]
    public void A_path_under_a_services_prefix_names_that_service(string path, string service) =>
        Assert.Equal(service, Snapshot.FindService(path)?.Definition.Id);

    [Theory]
    [InlineData("/population/v10/citizens/1")]
    [InlineData("/population")]
    [InlineData("/populationv1")]
    [InlineData("/echoes")]
    [InlineData("/connect/token")]
    [InlineData("/")]
    [InlineData("")]
    public void A_path_that_is_not_under_a_prefix_on_a_segment_boundary_names_no_service(string path) =>
        Assert.Null(Snapshot.FindService(path));

    [Fact]
    public void A_registry_without_services_names_none() =>
        Assert.Null(RegistrySnapshot.Empty.FindService("/population/v1/citizens/1"));
}
