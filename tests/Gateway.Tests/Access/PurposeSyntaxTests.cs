using System.Net;
using Ndxp.Gateway.Access;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Access;

/// <summary>
/// A declared purpose is a short code: anything else is 400 purpose-invalid, and the call's usage record keeps the
/// outcome without the value, for a granted client and for one with no grant alike.
/// </summary>
public sealed class PurposeSyntaxTests : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Theory]
    [InlineData("ekyc", true)]
    [InlineData("nd13:art17.b_2-x", true)]
    [InlineData("", false)]
    [InlineData("-ekyc", false)]
    [InlineData("ekyc audit", false)]
    [InlineData("mục-đích", false)]
    public void Purposes_are_short_codes(string purpose, bool wellFormed) =>
        Assert.Equal(wellFormed, PurposeSyntax.IsWellFormed(purpose));

    [Fact]
    public void A_purpose_of_65_characters_is_too_long() =>
        Assert.False(PurposeSyntax.IsWellFormed(new string('a', PurposeSyntax.MaxLength + 1)));

    [Fact]
    public async Task A_15000_byte_purpose_is_400_purpose_invalid_and_its_usage_record_keeps_no_purpose()
    {
        var gateway = await _workspace.StartGatewayAsync();
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var junk = new string('p', 15_000);
        var path = UpstreamPath.Unique("/echo");

        // VCB holds a grant for the service, VIETTEL none: both are refused before any grant is looked at.
        foreach (var client in new[] { "vcb-ekyc", "viettel-sim" })
        {
            using var response = await gateway.Data.CallAsync(HttpMethod.Get, path, await gateway.Data.TokenAsync(client), junk);
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "purpose-invalid");
            Assert.DoesNotContain(junk[..100], problem.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, _workspace.Upstream.ReceivedUnder(path));
        foreach (var agency in new[] { "VCB", "VIETTEL" })
        {
            var record = Assert.Single(await gateway.StoredRecordsAsync(agency, since, r => r.Count >= 1));
            Assert.Null(record.Purpose);
            Assert.Equal(400, record.Status);
        }
    }

    [Fact]
    public void A_grant_whose_purpose_no_caller_could_declare_is_refused_by_the_registry()
    {
        var registry = TestRegistry.Build("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3");
        var broken = registry with { Grants = [.. registry.Grants.Select(g => g.Id == "vcb-echo" ? g with { Purposes = ["know your customer"] } : g)] };

        var error = Assert.Single(RegistryValidator.Validate(broken));
        Assert.Equal("purposes", error.Field);
    }
}
