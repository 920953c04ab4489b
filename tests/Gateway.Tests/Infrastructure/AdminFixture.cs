using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A gateway of its own for tests that change the registry through the admin API (so they cannot disturb tests that
/// rely on the test registry as it is); tests pick entity ids of their own.
/// </summary>
public class AdminFixture : IAsyncLifetime
{
    private GatewayWorkspace? _workspace;
    private TestGateway? _gateway;

    public HttpClient Data => _gateway!.Data;

    /// <summary>The admin plane, with an operator's token.</summary>
    public HttpClient Admin => _gateway!.Admin;

    public IServiceProvider Services => _gateway!.Services;

    public string DataDirectory => _workspace!.DataDirectory;

    public int DataPort => _gateway!.DataPort;

    /// <summary>The issuer of its tokens; its token endpoint is this plus <c>/connect/token</c>.</summary>
    public string Issuer => _gateway!.Issuer;

    internal GatewayWorkspace Workspace => _workspace!;

    /// <summary>Settings of this gateway beyond the defaults.</summary>
    protected virtual string[] Settings => [];

    public virtual async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _gateway = await _workspace.StartGatewayAsync(Settings);
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Data.TokenAsync("ops-console"));
    }

    public virtual async Task DisposeAsync()
    {
        if (_workspace is not null)
        {
            await _workspace.DisposeAsync();
        }
    }
}

/// <summary>Admin API calls with a JSON body and an optional If-Match.</summary>
internal static class AdminCalls
{
    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient admin, HttpMethod method, string path, string? json = null, string? ifMatch = null, string? token = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return admin.SendAsync(request);
    }

    /// <summary>An admin change that must succeed: the test fails naming the call and the answer otherwise.</summary>
    public static async Task ChangeAsync(this HttpClient admin, HttpMethod method, string path, string? json = null, string? ifMatch = null)
    {
        using var response = await admin.SendJsonAsync(method, path, json, ifMatch);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Creates a client through the admin API (201 asserted) and returns the secret the gateway generated for it.</summary>
    public static async Task<string> CreateClientAsync(this HttpClient admin, string json)
    {
        using var created = await admin.SendJsonAsync(HttpMethod.Post, "/admin/v1/clients", json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("clientSecret").GetString()!;
    }

    /// <summary>The status of an admin read with a given token (the operator check is the same on every admin endpoint).</summary>
    public static async Task<HttpStatusCode> AdminStatusAsync(this HttpClient admin, string token)
    {
        using var response = await admin.SendJsonAsync(HttpMethod.Get, "/admin/v1/grants", token: token);
        return response.StatusCode;
    }

    public static string ETag(this HttpResponseMessage response) => response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("no ETag");
}
