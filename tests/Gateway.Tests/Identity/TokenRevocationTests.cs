using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Identity;

/// <summary>Tokens that stop being credentials before they expire: revoked by jti, or their client suspended.</summary>
public sealed class TokenRevocationTests(AdminFixture gateway) : IClassFixture<AdminFixture>
{
    private const string Citizen = "/population/v1/citizens/001099012345";

    [Fact]
    public async Task A_revoked_jti_is_refused_on_its_next_call_other_tokens_of_the_client_are_not_and_unrevoking_restores_it()
    {
        var stolen = await gateway.Data.TokenAsync("vcb-ekyc");
        var other = await gateway.Data.TokenAsync("vcb-ekyc");
        var jwt = new JsonWebToken(stolen);

        using var revoked = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/revocations",
            JsonSerializer.Serialize(new { jti = jwt.Id, expiresAt = jwt.ValidTo, reason = "reported stolen" }));
        Assert.Equal(HttpStatusCode.Created, revoked.StatusCode);

        using (var refused = await gateway.Data.CallAsync(HttpMethod.Get, Citizen, stolen, "ekyc"))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "token-revoked");
        }

        using (var fine = await gateway.Data.CallAsync(HttpMethod.Get, Citizen, other, "ekyc"))
        {
            Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        }

        using var deleted = await gateway.Admin.SendJsonAsync(HttpMethod.Delete, $"/admin/v1/revocations/{jwt.Id}", ifMatch: "*");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var again = await gateway.Data.CallAsync(HttpMethod.Get, Citizen, stolen, "ekyc");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_revoked_operator_token_is_refused_on_the_admin_plane()
    {
        var operatorToken = await gateway.Data.TokenAsync("ops-console");
        var jwt = new JsonWebToken(operatorToken);
        using var revoked = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/revocations",
            JsonSerializer.Serialize(new { jti = jwt.Id, expiresAt = jwt.ValidTo }));
        Assert.Equal(HttpStatusCode.Created, revoked.StatusCode);

        using var refused = await gateway.Admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/grants", token: operatorToken);
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "token-revoked");
    }

    [Fact]
    public async Task A_revocation_without_jti_or_expiry_is_refused()
    {
        using var noExpiry = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/revocations", """{"jti":"abc"}""");
        await ProblemAssert.IsProblemAsync(noExpiry, HttpStatusCode.BadRequest, "invalid-body");
        using var emptyJti = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/revocations", """{"jti":"","expiresAt":"2030-01-01T00:00:00Z"}""");
        await ProblemAssert.IsProblemAsync(emptyJti, HttpStatusCode.UnprocessableEntity, "registry-invalid");
    }

    [Fact]
    public async Task A_client_suspended_after_its_token_was_issued_is_refused_with_401_on_the_next_call()
    {
        var token = await gateway.Data.TokenAsync("hni-portal");
        using (var before = await gateway.Data.CallAsync(HttpMethod.Get, "/enterprise/v1/enterprises/0109999001", token))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var suspended = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients/hni-portal/suspend");
        using (var after = await gateway.Data.CallAsync(HttpMethod.Get, "/enterprise/v1/enterprises/0109999001", token))
        {
            await ProblemAssert.IsProblemAsync(after, HttpStatusCode.Unauthorized, "client-suspended");
        }

        using var activated = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients/hni-portal/activate");
        using var back = await gateway.Data.CallAsync(HttpMethod.Get, "/enterprise/v1/enterprises/0109999001", token);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }
}
