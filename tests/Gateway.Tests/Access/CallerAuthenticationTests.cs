using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ndxp.Gateway.Access;
using Ndxp.Gateway.Identity;

namespace Ndxp.Gateway.Tests.Access;

/// <summary>
/// A token that authenticated before yields its caller from memory, but only until its expiry, only on a connection
/// that satisfies its certificate binding, and only for the exact header that authenticated; anything else goes through
/// authentication again.
/// </summary>
public sealed class CallerAuthenticationTests : IDisposable
{
    // The test's clock starts at the real time: the cache evicts by the system clock, the caller's expiry is judged by the gateway's.
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly CountingAuthentication _handlers = new();
    private readonly CallerAuthentication _authentication;
    private readonly ServiceProvider _services;

    public CallerAuthenticationTests()
    {
        _authentication = new CallerAuthentication(Options.Create(new IdentityOptions { ValidatedTokenCacheSize = 100 }), _clock);
        _services = new ServiceCollection().AddSingleton<IAuthenticationService>(_handlers).BuildServiceProvider();
    }

    [Fact]
    public async Task A_token_seen_before_is_not_authenticated_again_until_it_expires()
    {
        _handlers.Principal = Principal(expires: Now.AddMinutes(5));

        var first = await _authentication.AuthenticateAsync(Request("Bearer token-1"));
        var second = await _authentication.AuthenticateAsync(Request("Bearer token-1"));

        Assert.Equal(new Caller("VCB", "vcb-ekyc", "jti-1"), first.Caller);
        Assert.Equal(first, second);
        Assert.Equal(1, _handlers.Calls);

        _clock.Advance(TimeSpan.FromMinutes(5));
        await _authentication.AuthenticateAsync(Request("Bearer token-1"));
        Assert.Equal(2, _handlers.Calls);
    }

    [Fact]
    public async Task Another_token_and_a_refused_one_are_each_authenticated_every_time()
    {
        _handlers.Principal = Principal(expires: Now.AddMinutes(5));
        await _authentication.AuthenticateAsync(Request("Bearer token-1"));
        await _authentication.AuthenticateAsync(Request("Bearer token-2"));
        Assert.Equal(2, _handlers.Calls);

        _handlers.Principal = null;
        var refused = await _authentication.AuthenticateAsync(Request("Bearer forged"));
        var again = await _authentication.AuthenticateAsync(Request("Bearer forged"));

        Assert.False(refused.IsAuthenticated);
        Assert.False(again.IsAuthenticated);
        Assert.Equal(4, _handlers.Calls);
    }

    [Fact]
    public async Task A_certificate_bound_token_is_taken_from_memory_only_on_a_connection_with_that_certificate()
    {
        using var certificate = Certificate("CN=bank");
        using var stranger = Certificate("CN=stranger");
        _handlers.Principal = Principal(expires: Now.AddMinutes(5), boundTo: certificate);
        await _authentication.AuthenticateAsync(Request("Bearer bound", certificate));

        await _authentication.AuthenticateAsync(Request("Bearer bound", certificate));
        Assert.Equal(1, _handlers.Calls);

        await _authentication.AuthenticateAsync(Request("Bearer bound", stranger));
        await _authentication.AuthenticateAsync(Request("Bearer bound"));
        Assert.Equal(3, _handlers.Calls);
    }

    public void Dispose()
    {
        _authentication.Dispose();
        _services.Dispose();
    }

    private DefaultHttpContext Request(string authorization, X509Certificate2? certificate = null)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Headers.Authorization = authorization;
        context.Connection.ClientCertificate = certificate;
        return context;
    }

    private static ClaimsPrincipal Principal(DateTimeOffset expires, X509Certificate2? boundTo = null)
    {
        List<Claim> claims =
        [
            new(GatewayClaims.Agency, "VCB"), new(GatewayClaims.ClientId, "vcb-ekyc"), new("jti", "jti-1"),
            new("exp", expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        if (boundTo is not null)
        {
            claims.Add(new Claim(CertificateBinding.ConfirmationClaim, CertificateBinding.Confirmation(CertificateBinding.Thumbprint(boundTo))));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    private static X509Certificate2 Certificate(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSelfSigned(Now.AddDays(-1), Now.AddDays(1));
    }

    /// <summary>ASP.NET Core's authentication as the data path calls it on a token it has not seen: counted.</summary>
    private sealed class CountingAuthentication : IAuthenticationService
    {
        public ClaimsPrincipal? Principal { get; set; }

        public int Calls { get; private set; }

        public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme)
        {
            Calls++;
            return Task.FromResult(Principal is null ? AuthenticateResult.Fail("refused") : AuthenticateResult.Success(new AuthenticationTicket(Principal, "test")));
        }

        public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();

        public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();

        public Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal, AuthenticationProperties? properties) => throw new NotSupportedException();

        public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();
    }
}
