using Ndxp.Gateway.Access;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Access;

public sealed class GrantEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly RegistryDocument Base = TestRegistry.Build("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3");

    [Fact]
    public void Active_grant_with_method_and_purpose_allows_and_names_the_grant()
    {
        var result = Evaluate(Base, new Caller("VCB", "vcb-ekyc"), "population", "GET", "ekyc", out var grant);

        Assert.Null(result);
        Assert.Equal("vcb-population", grant?.Id);
    }

    [Fact]
    public void Method_is_compared_case_insensitively_as_http_does()
    {
        Assert.Null(Evaluate(Base, new Caller("VCB", "vcb-ekyc"), "population", "get", "ekyc", out _));
    }

    [Fact]
    public void No_grant_for_the_agency_is_refused()
    {
        Assert.Equal(ProblemKind.NoGrant, Evaluate(Base, new Caller("VIETTEL", "viettel-sim"), "enterprise", "GET", null, out _));
    }

    [Fact]
    public void Grant_outside_its_validity_window_is_refused()
    {
        var expired = WithGrant(g => g with { ValidUntil = Now.AddSeconds(-1) });
        var future = WithGrant(g => g with { ValidFrom = Now.AddDays(1) });
        var current = WithGrant(g => g with { ValidFrom = Now.AddDays(-1), ValidUntil = Now.AddDays(1) });

        Assert.Equal(ProblemKind.GrantNotInEffect, Evaluate(expired, new Caller("VCB", "vcb-ekyc"), "population", "GET", "ekyc", out _));
        Assert.Equal(ProblemKind.GrantNotInEffect, Evaluate(future, new Caller("VCB", "vcb-ekyc"), "population", "GET", "ekyc", out _));
        Assert.Null(Evaluate(current, new Caller("VCB", "vcb-ekyc"), "population", "GET", "ekyc", out _));
    }

    [Fact]
    public void Suspended_grant_is_refused()
    {
        var suspended = WithGrant(g => g with { Status = EntityStatus.Suspended });

        Assert.Equal(ProblemKind.GrantNotInEffect, Evaluate(suspended, new Caller("VCB", "vcb-ekyc"), "population", "GET", "ekyc", out _));
    }

    [Fact]
    public void Purpose_is_required_only_for_personal_data()
    {
        Assert.Equal(ProblemKind.PurposeRequired, Evaluate(Base, new Caller("VCB", "vcb-ekyc"), "population", "GET", null, out _));
        Assert.Null(Evaluate(Base, new Caller("HNI", "hni-portal"), "enterprise", "GET", null, out _));
    }

    [Fact]
    public void The_refusal_closest_to_success_is_reported_among_several_grants()
    {
        // VCB holds two grants on population: one for POST only (wrong method) and one for a different purpose.
        var document = Base with
        {
            Services = Base.Services.Select(s => s.Id == "population" ? s with { Methods = ["GET", "POST"] } : s).ToList(),
            Grants =
            [
                .. Base.Grants.Where(g => g.Id != "vcb-population"),
                new Grant { Id = "a", ConsumerAgency = "VCB", Service = "population", Methods = ["POST"], Purposes = ["ekyc"] },
                new Grant { Id = "b", ConsumerAgency = "VCB", Service = "population", Methods = ["GET"], Purposes = ["credit"] },
            ],
        };

        Assert.Equal(ProblemKind.PurposeNotGranted, Evaluate(document, new Caller("VCB", "vcb-ekyc"), "population", "GET", "ekyc", out _));
    }

    [Fact]
    public void Suspension_of_client_or_agency_is_read_from_the_snapshot()
    {
        Assert.Equal(ProblemKind.ClientSuspended, Evaluate(Base, new Caller("HNI", "hni-suspended"), "population", "GET", "public-service", out _));
        Assert.Equal(ProblemKind.AgencySuspended, Evaluate(Base, new Caller("SUSP", "susp-app"), "population", "GET", "ekyc", out _));
    }

    private static RegistryDocument WithGrant(Func<Grant, Grant> change) =>
        Base with { Grants = Base.Grants.Select(g => g.Id == "vcb-population" ? change(g) : g).ToList() };

    private static ProblemKind? Evaluate(RegistryDocument document, Caller caller, string service, string method, string? purpose, out Grant? grant)
    {
        var snapshot = RegistrySnapshot.Compile(document, 1);
        return GrantEvaluator.Evaluate(snapshot, snapshot.Services[service], caller, method, purpose, Now, out grant);
    }
}
