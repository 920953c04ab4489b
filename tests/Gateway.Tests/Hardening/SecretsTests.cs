using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>Signing keys and client secrets are never logged, and never returned after the one answer that creates them.</summary>
[Collection(GatewayCollection.Name)]
public sealed class SecretsTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Generated_secrets_hashes_and_the_signing_key_appear_in_no_log_line_and_in_no_later_answer()
    {
        var operatorToken = await gateway.TokenAsync("ops-console");
        var id = "secret-test-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await gateway.Admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients", $$"""{"id":"{{id}}","agency":"VCB"}""", token: operatorToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var first = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("clientSecret").GetString()!;
        using var rotated = await gateway.Admin.SendJsonAsync(HttpMethod.Post, $"/admin/v1/clients/{id}/secret", token: operatorToken);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync()).RootElement.GetProperty("clientSecret").GetString()!;
        var token = await gateway.TokenAsync(id, second);
        await gateway.TokenAsync(id, first);
        await TokenRefusal.AssertInvalidClientAsync(gateway.Data, id, "wrong-" + second);

        // What a later reader can see: the client, the export, the audit trail, the JWKS.
        var later = string.Join('\n', await Task.WhenAll(
            ReadAsync($"/admin/v1/clients/{id}", operatorToken),
            ReadAsync("/admin/v1/registry", operatorToken),
            ReadAsync($"/admin/v1/audit?kind=client&id={id}", operatorToken),
            gateway.Data.GetStringAsync("/.well-known/jwks.json")));
        // The audit read is not vacuous: it holds this client's creation and its rotation.
        using (var audit = JsonDocument.Parse(await ReadAsync($"/admin/v1/audit?kind=client&id={id}&limit=1000", operatorToken)))
        {
            var entries = audit.RootElement.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(2, entries.Count);
            Assert.All(entries, e => Assert.Equal(id, e.GetProperty("entityId").GetString()));
        }
        var signingKey = File.ReadAllText(Directory.GetFiles(Path.Combine(gateway.DataDirectory, "keys"), "*.pem").Single());
        var keyLines = signingKey.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).ToList();

        foreach (var secret in new[] { first, second })
        {
            Assert.DoesNotContain(secret, later, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("pbkdf2", later, StringComparison.Ordinal);
        Assert.DoesNotContain("\"d\"", JsonDocument.Parse(await gateway.Data.GetStringAsync("/.well-known/jwks.json")).RootElement.GetRawText(), StringComparison.Ordinal);

        // A call with the new client's token, last: once its summary is in the log, so is everything logged before it.
        using var call = await gateway.CallAsync(HttpMethod.Get, "/echo/secrets", token, "ekyc");
        var transactionId = call.Headers.GetValues("X-Transaction-Id").Single();
        var log = await Poll.UntilAsync(gateway.ReadLogAsync, l => l.Contains(transactionId, StringComparison.Ordinal));
        Assert.Contains(transactionId, log, StringComparison.Ordinal);
        Assert.Contains(id, log, StringComparison.Ordinal);
        foreach (var secret in new[] { first, second, token, "wrong-" + second })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("pbkdf2", log, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", log, StringComparison.Ordinal);
        Assert.All(keyLines, line => Assert.DoesNotContain(line, log, StringComparison.Ordinal));
    }

    private async Task<string> ReadAsync(string path, string token)
    {
        using var response = await gateway.Admin.SendJsonAsync(HttpMethod.Get, path, token: token);
        return await response.Content.ReadAsStringAsync();
    }
}
