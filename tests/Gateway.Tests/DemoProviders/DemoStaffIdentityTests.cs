using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.DemoProviders.StaffIdentity;

namespace Ndxp.Gateway.Tests.DemoProviders;

public sealed partial class DemoStaffIdentityTests(DemoProvidersServer server) : IClassFixture<DemoProvidersServer>, IDisposable
{
    private readonly DemoStaffBrowser _browser = new(server.Url);

    public void Dispose() => _browser.Dispose();

    [Fact]
    public async Task Discovery_names_the_endpoints_and_the_code_flow_with_PKCE_S256()
    {
        var configuration = await DiscoverAsync();
        using var raw = JsonDocument.Parse(await _browser.Client.GetStringAsync(DemoStaffIdentity.PathBase + "/.well-known/openid-configuration"));
        var issuer = _browser.Issuer;

        Assert.Equal(issuer, configuration.Issuer);
        Assert.Equal(issuer + "/authorize", configuration.AuthorizationEndpoint);
        Assert.Equal(issuer + "/token", configuration.TokenEndpoint);
        Assert.Equal(issuer + "/jwks.json", configuration.JwksUri);
        Assert.Equal(issuer + "/logout", configuration.EndSessionEndpoint);
        Assert.Equal(["code"], configuration.ResponseTypesSupported);
        Assert.Equal(["authorization_code"], configuration.GrantTypesSupported);
        Assert.Equal(["S256"], configuration.CodeChallengeMethodsSupported);
        Assert.Equal(["public"], configuration.SubjectTypesSupported);
        Assert.Equal(["ES256"], configuration.IdTokenSigningAlgValuesSupported);
        Assert.Equal(["openid", "profile"], configuration.ScopesSupported);
        Assert.Equal(["client_secret_post", "client_secret_basic"], configuration.TokenEndpointAuthMethodsSupported);
        Assert.Equal(["query", "form_post"], configuration.ResponseModesSupported);
        Assert.Subset(configuration.ClaimsSupported.ToHashSet(), new HashSet<string> { "sub", "name", "preferred_username", "nonce", "roles", "agency" });
        Assert.True(raw.RootElement.GetProperty("demo").GetBoolean());
        // No pushed authorization endpoint: the handler would otherwise push its request there (.NET 9's default).
        Assert.False(raw.RootElement.TryGetProperty("pushed_authorization_request_endpoint", out _));
    }

    [Fact]
    public async Task Key_set_publishes_only_the_public_P256_key_and_is_marked_demo()
    {
        using var jwks = JsonDocument.Parse(await _browser.Client.GetStringAsync(DemoStaffIdentity.PathBase + "/jwks.json"));
        var key = Assert.Single(jwks.RootElement.GetProperty("keys").EnumerateArray());

        Assert.True(jwks.RootElement.GetProperty("demo").GetBoolean());
        Assert.Equal(["alg", "crv", "kid", "kty", "use", "x", "y"], key.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
    }

    [Theory]
    [InlineData("query")]
    [InlineData("form_post")]
    public async Task Sign_in_page_is_an_accessible_form_with_labelled_inputs_the_request_and_the_demo_users(string responseMode)
    {
        var request = StaffSignIn.Console(responseMode);
        using var response = await _browser.AuthorizeAsync(request.Parameters());
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Matches("<title>[^<]+</title>", html);
        Assert.Contains("<main>", html, StringComparison.Ordinal);
        Assert.Matches("<h1>[^<]+</h1>", html);
        Assert.Contains("DEMO ONLY", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("<(link|img|script)", html);
        Assert.Contains("<button type=\"submit\">", html, StringComparison.Ordinal);
        var visible = VisibleInputs().Matches(html).Select(m => m.Groups["id"].Value).ToList();
        Assert.Equal(["username", "password"], visible);
        Assert.All(visible, id => Assert.Contains($"<label for=\"{id}\">", html, StringComparison.Ordinal));
        // The request travels in the form as the handler sent it, less the parameters it does not know (x-client-*).
        Assert.Equal(
            request.Parameters().Where(p => !p.Key.StartsWith("x-client", StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal),
            HiddenFields(html).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.DoesNotContain("x-client", html, StringComparison.Ordinal);
        Assert.All(DemoStaffUsers.All, user =>
        {
            Assert.Contains($"<code>{user.Username}</code>", html, StringComparison.Ordinal);
            Assert.Contains(user.Name.Replace("'", "&#x27;", StringComparison.Ordinal), html, StringComparison.Ordinal);
        });
        Assert.Contains("<td>operator</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>approver</td>", html, StringComparison.Ordinal);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("form-action 'self' https://gateway.example:8443", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_page_html_encodes_what_it_echoes()
    {
        var request = StaffSignIn.Console() with { State = "\"><script>alert(1)</script>", Nonce = "n'<b>" };
        using var response = await _browser.AuthorizeAsync(request.Parameters());
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"n&#x27;&lt;b&gt;\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_for_an_unknown_client_is_a_400_problem_and_no_redirect()
    {
        var parameters = StaffSignIn.Console().Parameters();
        parameters["client_id"] = "someone-else";

        await AssertRefusedAsync(parameters, "unknown-client");
    }

    [Theory]
    [InlineData("ndxp-console", "https://gateway.example/portal/signin-oidc")]
    [InlineData("ndxp-portal", "https://gateway.example/console/signin-oidc")]
    [InlineData("ndxp-console", "https://gateway.example/console/signin-oidc/extra")]
    [InlineData("ndxp-console", "/console/signin-oidc")]
    [InlineData("ndxp-console", "javascript:alert(1)//console/signin-oidc")]
    [InlineData("ndxp-console", "ftp://gateway.example/console/signin-oidc")]
    [InlineData("ndxp-console", "https://gateway.example/console/signin-oidc#fragment")]
    [InlineData("ndxp-console", "https://user:pass@gateway.example/console/signin-oidc")]
    [InlineData("ndxp-console", "https://gateway.exämple/console/signin-oidc")]
    [InlineData("ndxp-console", "")]
    public async Task Authorize_with_a_redirect_uri_not_of_the_client_is_a_400_problem_and_no_redirect(string clientId, string redirectUri)
    {
        var parameters = StaffSignIn.Console().Parameters();
        parameters["client_id"] = clientId;
        parameters["redirect_uri"] = redirectUri;

        await AssertRefusedAsync(parameters, "bad-redirect-uri");
    }

    [Theory]
    [InlineData("code_challenge", null)]
    [InlineData("code_challenge", "too-short")]
    [InlineData("code_challenge_method", null)]
    [InlineData("code_challenge_method", "plain")]
    [InlineData("response_type", "token")]
    [InlineData("response_type", null)]
    [InlineData("scope", "profile")]
    [InlineData("scope", null)]
    [InlineData("response_mode", "fragment")]
    public async Task Authorize_without_PKCE_S256_or_the_code_flow_is_a_400_problem_and_no_redirect(string parameter, string? value)
    {
        var parameters = StaffSignIn.Console().Parameters();
        if (value is null)
        {
            parameters.Remove(parameter);
        }
        else
        {
            parameters[parameter] = value;
        }

        await AssertRefusedAsync(parameters, "bad-authorization-request");
    }

    [Fact]
    public async Task Authorize_with_a_parameter_given_twice_is_a_400_problem()
    {
        var request = StaffSignIn.Console();
        using var response = await _browser.AuthorizeAsync([.. request.Parameters(), new("state", "second")]);

        await DemoProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-authorization-request");
    }

    [Fact]
    public async Task Sign_in_form_whose_request_was_altered_is_a_400_problem_and_no_code()
    {
        var parameters = StaffSignIn.Console().Parameters();
        parameters["redirect_uri"] = "https://attacker.example/elsewhere";

        using var response = await _browser.SignInAsync(parameters, "operator", DemoStaffIdentity.DemoPassword);

        await DemoProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-redirect-uri");
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("operator", "wrong")]
    [InlineData("operator", "")]
    [InlineData("operator", "DEMO")]
    [InlineData("nobody", "demo")]
    [InlineData("", "demo")]
    public async Task Wrong_username_or_password_shows_the_form_again_with_200_an_error_and_no_code(string username, string password)
    {
        var request = StaffSignIn.Console();
        using var response = await _browser.SignInAsync(request.Parameters(), username, password);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", html, StringComparison.Ordinal);
        Assert.False(HiddenFields(html).ContainsKey("code"));
        Assert.Equal(request.State, HiddenFields(html)["state"]);
        Assert.Contains("<label for=\"password\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_without_a_password_field_shows_the_form_again()
    {
        using var form = new FormUrlEncodedContent([.. StaffSignIn.Console().Parameters(), new("username", "operator")]);
        using var response = await _browser.Client.PostAsync(DemoStaffIdentity.PathBase + "/authorize", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("role=\"alert\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json", "{}")]
    [InlineData("text/plain", "username=operator&password=demo")]
    public async Task Sign_in_that_is_not_a_url_encoded_form_is_a_415_problem(string mediaType, string body)
    {
        using var content = new StringContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(mediaType);
        using var response = await _browser.Client.PostAsync(DemoStaffIdentity.PathBase + "/authorize", content);

        await DemoProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task An_oversized_sign_in_form_is_a_413_problem()
    {
        var request = StaffSignIn.Console() with { State = new string('x', 20_000) };
        using var response = await _browser.SignInAsync(request.Parameters(), "operator", DemoStaffIdentity.DemoPassword);

        await DemoProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "unreadable-form");
    }

    [Theory]
    [InlineData("operator", "ndxp-console", "NDXP", new[] { "operator" })]
    [InlineData("vcb-staff", "ndxp-portal", "VCB", new string[0])]
    [InlineData("bca-approver", "ndxp-portal", "BCA", new[] { "approver" })]
    [InlineData("BKHDT-approver", "ndxp-portal", "BKHDT", new[] { "approver" })]
    public async Task Code_flow_in_query_mode_gives_an_id_token_that_the_handler_accepts(string username, string clientId, string agency, string[] roles)
    {
        var request = clientId == DemoStaffIdentity.ConsoleClientId ? StaffSignIn.Console() : StaffSignIn.Portal();
        using var signIn = await _browser.SignInAsync(request.Parameters(), username, DemoStaffIdentity.DemoPassword);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var location = signIn.Headers.Location!;
        Assert.Equal(request.RedirectUri, location.GetLeftPart(UriPartial.Path));
        var answer = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal(request.State, answer["state"]);
        Assert.Equal(_browser.Issuer, answer["iss"]);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", answer["code"].ToString());

        using var redeemed = await _browser.RedeemAsync(answer["code"].ToString(), request);
        var body = await redeemed.Content.ReadAsStringAsync();
        Assert.True(HttpStatusCode.OK == redeemed.StatusCode, body);
        Assert.True(redeemed.Headers.CacheControl?.NoStore);
        var tokens = new OpenIdConnectMessage(body);
        Assert.Equal("Bearer", tokens.TokenType);
        Assert.Equal("300", tokens.ExpiresIn);
        Assert.False(string.IsNullOrEmpty(tokens.AccessToken));

        var idToken = await ValidateAsHandlerAsync(tokens, request);
        var user = DemoStaffUsers.Find(username)!;
        Assert.Equal("ES256", idToken.Alg);
        Assert.Equal("JWT", idToken.Typ);
        Assert.False(string.IsNullOrEmpty(idToken.Kid));
        Assert.Equal(user.Subject, idToken.Subject);
        Assert.Equal(user.Name, idToken.GetClaim("name").Value);
        Assert.Equal(user.Username, idToken.GetClaim("preferred_username").Value);
        Assert.Equal(agency, idToken.GetClaim(DemoStaffIdentity.AgencyClaim).Value);
        Assert.Equal(request.Nonce, idToken.GetClaim("nonce").Value);
        Assert.Equal(TimeSpan.FromMinutes(5), idToken.ValidTo - idToken.IssuedAt);
        Assert.Equal(idToken.IssuedAt, idToken.ValidFrom);
        Assert.InRange(idToken.GetPayloadValue<long>("auth_time"), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(idToken.GetPayloadValue<bool>("demo"));
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(idToken.EncodedPayload));
        var rolesClaim = payload.RootElement.GetProperty(DemoStaffIdentity.RolesClaim);
        Assert.Equal(JsonValueKind.Array, rolesClaim.ValueKind);
        Assert.Equal(roles, rolesClaim.EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Client_may_authenticate_with_http_basic_instead()
    {
        var request = StaffSignIn.Portal();
        var code = await _browser.CodeAsync(request, "hni-staff");

        using var response = await _browser.RedeemAsync(code, request, basic: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Subject_is_opaque_and_the_same_for_each_sign_in_of_a_person()
    {
        var first = StaffSignIn.Console();
        var again = StaffSignIn.Portal();
        var firstToken = new JsonWebToken((await _browser.TokensAsync(await _browser.CodeAsync(first, "bhxh-approver"), first)).IdToken);
        var againToken = new JsonWebToken((await _browser.TokensAsync(await _browser.CodeAsync(again, "bhxh-approver"), again)).IdToken);

        Assert.Equal(firstToken.Subject, againToken.Subject);
        Assert.DoesNotContain("bhxh", firstToken.Subject, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([DemoStaffIdentity.ConsoleClientId], firstToken.Audiences);
        Assert.Equal([DemoStaffIdentity.PortalClientId], againToken.Audiences);
    }

    [Fact]
    public async Task Without_a_nonce_the_id_token_has_none()
    {
        var request = StaffSignIn.Console();
        var parameters = request.Parameters();
        parameters.Remove("nonce");
        using var signIn = await _browser.SignInAsync(parameters, "operator", DemoStaffIdentity.DemoPassword);
        var code = QueryHelpers.ParseQuery(signIn.Headers.Location!.Query)["code"].ToString();

        var tokens = await _browser.TokensAsync(code, request);

        Assert.False(new JsonWebToken(tokens.IdToken).TryGetPayloadValue<string>("nonce", out _));
    }

    [Fact]
    public async Task Form_post_mode_answers_a_page_that_posts_the_code_state_and_issuer_to_the_redirect_uri()
    {
        var request = StaffSignIn.Console("form_post");
        using var response = await _browser.SignInAsync(request.Parameters(), "operator", DemoStaffIdentity.DemoPassword);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Contains($"<form method=\"post\" action=\"{DemoStaffBrowser.ConsoleRedirect}\">", html, StringComparison.Ordinal);
        Assert.Contains("<script>document.forms[0].submit()</script>", html, StringComparison.Ordinal);
        Assert.Contains("<button type=\"submit\">", html, StringComparison.Ordinal);
        Assert.Contains("DEMO ONLY", html, StringComparison.Ordinal);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'sha256-", policy, StringComparison.Ordinal);
        Assert.Contains("form-action https://gateway.example:8443", policy, StringComparison.Ordinal);

        var fields = HiddenFields(html);
        Assert.Equal(["code", "state", "iss"], fields.Keys);
        Assert.Equal(request.State, fields["state"]);
        Assert.Equal(_browser.Issuer, fields["iss"]);
        var code = fields["code"];
        var tokens = await _browser.TokensAsync(code, request);
        await ValidateAsHandlerAsync(tokens, request);
    }

    [Fact]
    public async Task A_code_is_single_use()
    {
        var request = StaffSignIn.Console();
        var code = await _browser.CodeAsync(request);
        using var first = await _browser.RedeemAsync(code, request);

        using var second = await _browser.RedeemAsync(code, request);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertOAuthErrorAsync(second, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task A_wrong_code_verifier_is_invalid_grant_and_uses_the_code_up()
    {
        var request = StaffSignIn.Console();
        var code = await _browser.CodeAsync(request);

        using var wrong = await _browser.RedeemAsync(code, request, verifier: new StaffSignIn("x", "y", "query").Verifier);
        using var right = await _browser.RedeemAsync(code, request);

        await AssertOAuthErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_grant");
        await AssertOAuthErrorAsync(right, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("the challenge itself is not a verifier of 43 or more characters!")]
    public async Task A_missing_or_malformed_code_verifier_is_invalid_grant(string verifier)
    {
        var request = StaffSignIn.Console();
        var code = await _browser.CodeAsync(request);

        using var response = await _browser.RedeemAsync(code, request, verifier: verifier);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task An_unknown_code_is_invalid_grant()
    {
        using var response = await _browser.RedeemAsync("not-a-code-this-provider-issued", StaffSignIn.Console());

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task A_code_redeemed_by_the_other_client_is_invalid_grant()
    {
        var request = StaffSignIn.Console();
        var code = await _browser.CodeAsync(request);

        using var response = await _browser.RedeemAsync(code, request with { ClientId = DemoStaffIdentity.PortalClientId });

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData("https://other.example:8443/console/signin-oidc")]
    [InlineData("")]
    public async Task A_code_redeemed_with_another_redirect_uri_is_invalid_grant(string redirectUri)
    {
        var request = StaffSignIn.Console();
        var code = await _browser.CodeAsync(request);

        using var response = await _browser.RedeemAsync(code, request, redirectUri: redirectUri);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_wrong_client_secret_is_invalid_client_401_and_leaves_the_code_usable(bool basic)
    {
        var request = StaffSignIn.Console();
        var code = await _browser.CodeAsync(request);

        using var wrong = await _browser.RedeemAsync(code, request, secret: DemoStaffIdentity.PortalClientSecret, basic: basic);
        using var right = await _browser.RedeemAsync(code, request, basic: basic);

        await AssertOAuthErrorAsync(wrong, HttpStatusCode.Unauthorized, "invalid_client");
        Assert.Equal("Basic", Assert.Single(wrong.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Theory]
    [InlineData("client_id=someone-else&client_secret=console-demo-secret")]
    [InlineData("client_secret=console-demo-secret")]
    [InlineData("client_id=ndxp-console")]
    [InlineData("")]
    public async Task An_unknown_or_unauthenticated_client_is_invalid_client(string credentials)
    {
        using var response = await PostTokenAsync($"grant_type=authorization_code&code=abc&redirect_uri=x&code_verifier=y&{credentials}");

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Theory]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Basic bm8tY29sb24")]
    [InlineData("Bearer abc")]
    public async Task A_malformed_authorization_header_is_invalid_client(string authorization)
    {
        using var response = await PostTokenAsync("grant_type=authorization_code&code=abc&redirect_uri=x&code_verifier=y", authorization);

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Basic_together_with_a_client_secret_in_the_form_is_invalid_client()
    {
        var basic = "Basic " + Convert.ToBase64String("ndxp-console:console-demo-secret"u8.ToArray());
        using var response = await PostTokenAsync("grant_type=authorization_code&code=abc&client_secret=console-demo-secret", basic);

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Theory]
    [InlineData("grant_type=client_credentials&code=abc", "unsupported_grant_type")]
    [InlineData("code=abc", "invalid_request")]
    [InlineData("grant_type=authorization_code", "invalid_request")]
    [InlineData("grant_type=authorization_code&code=abc&code=def", "invalid_request")]
    public async Task A_token_request_that_is_not_one_code_grant_is_an_oauth_error(string form, string error)
    {
        using var response = await PostTokenAsync($"{form}&client_id=ndxp-console&client_secret=console-demo-secret");

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, error);
    }

    [Theory]
    [InlineData("application/json", "{\"grant_type\":\"authorization_code\"}")]
    [InlineData("application/x-www-form-urlencoded", null)]
    public async Task A_token_request_that_is_not_a_small_form_is_invalid_request(string mediaType, string? body)
    {
        using var content = new StringContent(body ?? "code=" + new string('x', 8192));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(mediaType);
        using var response = await _browser.Client.PostAsync(DemoStaffIdentity.PathBase + "/token", content);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_code_redeemed_after_sixty_seconds_is_invalid_grant()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await DemoStaffIdentityHost.StartAsync(clock);
        var inTime = StaffSignIn.Console();
        var late = StaffSignIn.Console();
        var inTimeCode = await host.Browser.CodeAsync(inTime);
        var lateCode = await host.Browser.CodeAsync(late);

        clock.Advance(TimeSpan.FromSeconds(59));
        using var redeemedInTime = await host.Browser.RedeemAsync(inTimeCode, inTime);
        clock.Advance(TimeSpan.FromSeconds(1));
        using var redeemedLate = await host.Browser.RedeemAsync(lateCode, late);

        Assert.Equal(HttpStatusCode.OK, redeemedInTime.StatusCode);
        await AssertOAuthErrorAsync(redeemedLate, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Sign_in_past_the_bound_on_outstanding_codes_is_a_503_problem_until_codes_expire()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await DemoStaffIdentityHost.StartAsync(clock, new DemoStaffCodeStore(clock, capacity: 2));
        var request = StaffSignIn.Console();
        await host.Browser.CodeAsync(request);
        await host.Browser.CodeAsync(request);

        using var refused = await host.Browser.SignInAsync(request.Parameters(), "operator", DemoStaffIdentity.DemoPassword);
        clock.Advance(DemoStaffCodeStore.Lifetime);
        var afterExpiry = await host.Browser.CodeAsync(request);

        await DemoProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "too-many-codes");
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.False(string.IsNullOrEmpty(afterExpiry));
    }

    [Theory]
    [InlineData("https://gateway.example:8443/console/signout-callback-oidc")]
    [InlineData("http://127.0.0.1:5000/portal/signout-callback-oidc")]
    public async Task Logout_sends_the_browser_back_to_a_front_ends_sign_out_callback_with_its_state(string target)
    {
        using var response = await _browser.Client.GetAsync(
            $"{DemoStaffIdentity.PathBase}/logout?post_logout_redirect_uri={Uri.EscapeDataString(target)}&id_token_hint=x&state=s%26t");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(target + "?state=s%26t", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Logout_without_state_redirects_without_one()
    {
        const string Target = "https://gateway.example:8443/console/signout-callback-oidc";
        using var response = await _browser.Client.GetAsync($"{DemoStaffIdentity.PathBase}/logout?post_logout_redirect_uri={Uri.EscapeDataString(Target)}");

        Assert.Equal(Target, response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?post_logout_redirect_uri=https%3A%2F%2Fattacker.example%2Fphish")]
    [InlineData("?post_logout_redirect_uri=javascript%3Aalert(1)%2F%2F%2Fconsole%2Fsignout-callback-oidc")]
    [InlineData("?post_logout_redirect_uri=%2Fconsole%2Fsignout-callback-oidc")]
    public async Task Logout_with_no_acceptable_target_says_signed_out_and_does_not_redirect(string query)
    {
        using var response = await _browser.Client.GetAsync($"{DemoStaffIdentity.PathBase}/logout{query}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<h1>You are signed out</h1>", html, StringComparison.Ordinal);
        Assert.Contains("DEMO ONLY", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5100")]
    [InlineData("http://127.0.0.1:5100/")]
    public void Issuer_is_the_providers_url_plus_the_path_base(string providersUrl) =>
        Assert.Equal("http://127.0.0.1:5100/demo-staff", DemoStaffIdentity.IssuerFor(providersUrl));

    private async Task<OpenIdConnectConfiguration> DiscoverAsync() =>
        await new ConfigurationManager<OpenIdConnectConfiguration>(
                _browser.Issuer + "/.well-known/openid-configuration",
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = false })
            .GetConfigurationAsync(CancellationToken.None);

    /// <summary>
    /// What the OpenID Connect handler does with a token answer: validate the id_token against the discovered keys with
    /// the issuer and its client id as audience, then run its protocol validator (nonce, required claims).
    /// </summary>
    private async Task<JsonWebToken> ValidateAsHandlerAsync(OpenIdConnectMessage tokens, StaffSignIn request)
    {
        var configuration = await DiscoverAsync();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(tokens.IdToken, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = request.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var idToken = (JsonWebToken)result.SecurityToken;
        new OpenIdConnectProtocolValidator().ValidateTokenResponse(new OpenIdConnectProtocolValidationContext
        {
            ClientId = request.ClientId,
            ProtocolMessage = tokens,
            ValidatedIdToken = JwtSecurityTokenConverter.Convert(idToken),
            Nonce = request.Nonce,
        });
        return idToken;
    }

    private async Task AssertRefusedAsync(Dictionary<string, string> parameters, string problem)
    {
        using var response = await _browser.AuthorizeAsync(parameters);

        await DemoProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, problem);
        Assert.Null(response.Headers.Location);
    }

    private async Task<HttpResponseMessage> PostTokenAsync(string form, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, DemoStaffIdentity.PathBase + "/token")
        {
            Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await _browser.Client.SendAsync(request);
    }

    private static async Task AssertOAuthErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error_description").GetString()));
    }

    [GeneratedRegex("<input id=\"(?<id>[^\"]+)\"")]
    private static partial Regex VisibleInputs();

    /// <summary>The hidden fields of a page's form, as a browser would post them back.</summary>
    private static Dictionary<string, string> HiddenFields(string html) => HiddenField().Matches(html).ToDictionary(
        m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]*)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenField();
}
