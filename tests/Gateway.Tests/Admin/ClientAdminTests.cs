using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Admin;

/// <summary>Clients: the gateway generates the secret, shows it once, and rotates it with an overlap.</summary>
public sealed class ClientAdminTests(AdminFixture gateway) : IClassFixture<AdminFixture>
{
    [Fact]
    public async Task A_created_client_gets_a_secret_once_that_works_at_the_token_endpoint_and_no_response_shows_its_hash()
    {
        using var created = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients", """{"id":"vcb-branch","agency":"VCB","name":"Branch app"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadAsStringAsync();
        var secret = JsonDocument.Parse(body).RootElement.GetProperty("clientSecret").GetString()!;
        Assert.True(secret.Length >= 40);

        var token = await gateway.Data.TokenAsync("vcb-branch", secret);
        using var call = await gateway.Data.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "ekyc");
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);

        using var read = await gateway.Admin.GetAsync("/admin/v1/clients/vcb-branch");
        using var list = await gateway.Admin.GetAsync("/admin/v1/clients");
        using var export = await gateway.Admin.GetAsync("/admin/v1/registry");
        foreach (var text in new[] { body, await read.Content.ReadAsStringAsync(), await list.Content.ReadAsStringAsync(), await export.Content.ReadAsStringAsync() })
        {
            Assert.DoesNotContain("pbkdf2", text, StringComparison.Ordinal);
            Assert.DoesNotContain("secretHash", text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(secret, await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operators_cannot_set_a_secret_hash_themselves()
    {
        using var response = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients",
            $$"""{"id":"vcb-chosen","agency":"VCB","secretHash":"{{TestRegistry.SecretHash}}"}""");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid-body");
        Assert.Equal("secretHash", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Rotation_gives_a_new_secret_and_the_old_one_works_until_the_overlap_ends()
    {
        using var created = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients", """{"id":"vcb-rotating","agency":"VCB"}""");
        var first = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("clientSecret").GetString()!;

        using var rotated = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients/vcb-rotating/secret?overlapMinutes=60");
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var json = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync()).RootElement;
        var second = json.GetProperty("clientSecret").GetString()!;
        Assert.NotEqual(first, second);
        var until = json.GetProperty("client").GetProperty("previousSecretValidUntil").GetDateTimeOffset();
        Assert.InRange(until - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));

        await gateway.Data.TokenAsync("vcb-rotating", first);
        await gateway.Data.TokenAsync("vcb-rotating", second);

        // A leaked secret is cut off at once with an overlap of 0: only the newest secret works.
        using var urgent = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients/vcb-rotating/secret?overlapMinutes=0");
        var third = JsonDocument.Parse(await urgent.Content.ReadAsStringAsync()).RootElement.GetProperty("clientSecret").GetString()!;
        await gateway.Data.TokenAsync("vcb-rotating", third);
        foreach (var old in new[] { first, second })
        {
            await TokenRefusal.AssertInvalidClientAsync(gateway.Data, "vcb-rotating", old);
        }
    }

    [Fact]
    public async Task Rotation_errors_are_problems()
    {
        using var unknown = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients/nobody/secret");
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound, "entity-not-found");
        using var badOverlap = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients/vcb-ekyc/secret?overlapMinutes=-5");
        await ProblemAssert.IsProblemAsync(badOverlap, HttpStatusCode.BadRequest, "invalid-query");
        using var stale = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients/vcb-ekyc/secret", ifMatch: "\"999999\"");
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed, "precondition-failed");

        // None of the refused rotations changed the secret.
        await gateway.Data.TokenAsync("vcb-ekyc");
    }

    [Fact]
    public async Task Updating_a_client_keeps_its_secret_and_suspending_it_bars_its_next_call()
    {
        using var created = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients", """{"id":"hni-kiosk","agency":"HNI"}""");
        var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("clientSecret").GetString()!;
        using var renamed = await gateway.Admin.SendJsonAsync(HttpMethod.Put, "/admin/v1/clients/hni-kiosk", """{"id":"hni-kiosk","agency":"HNI","name":"Kiosk"}""", created.ETag());
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var token = await gateway.Data.TokenAsync("hni-kiosk", secret);

        using var suspended = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients/hni-kiosk/suspend");
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);

        using var call = await gateway.Data.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "public-service");
        await ProblemAssert.IsProblemAsync(call, HttpStatusCode.Unauthorized, "client-suspended");
    }

    [Fact]
    public async Task An_agency_still_holding_clients_cannot_be_deleted()
    {
        using var response = await gateway.Admin.SendJsonAsync(HttpMethod.Delete, "/admin/v1/agencies/VCB", ifMatch: "*");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "registry-invalid");
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "agency" && e.GetProperty("entity").GetString() == "client");
        using var still = await gateway.Admin.GetAsync("/admin/v1/agencies/VCB");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }
}
