using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Access;
using Ndxp.Gateway.Identity;

namespace Ndxp.Gateway.Benchmarks;

/// <summary>
/// Step 1 of a service call: who calls. <see cref="TokenCacheHit"/> is what nearly every call pays (an agency reuses
/// its token for thousands of calls); <see cref="FullValidation"/> is what the first call with a token pays: ASP.NET
/// Core authentication, JwtBearer and the ES256 signature check, with both token caches turned off.
/// </summary>
[MemoryDiagnoser]
public class CallerAuthenticationBenchmarks : IDisposable
{
    private DirectoryInfo _dataDirectory = null!;
    private ServiceProvider _cached = null!;
    private ServiceProvider _uncached = null!;
    private CallerAuthentication _cachedAuthentication = null!;
    private CallerAuthentication _uncachedAuthentication = null!;
    private DefaultHttpContext _known = null!;
    private DefaultHttpContext _unknown = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Both containers load the same signing key: the first generates it, as the embedded gateway does on first start.
        _dataDirectory = Directory.CreateTempSubdirectory("ndxp-benchmarks-");
        _cached = Identity(validatedTokenCacheSize: 10_000);
        _uncached = Identity(validatedTokenCacheSize: 0);
        _cachedAuthentication = Authentication(_cached);
        _uncachedAuthentication = Authentication(_uncached);

        var client = DemoRegistry.Read().Clients.Single(c => c.Id == DemoRegistry.ClientId);
        var header = "Bearer " + _cached.GetRequiredService<TokenIssuer>().Issue(client);

        // The token authenticates once through the handler; from then on this context has no services at all, so a
        // call that missed the cache would throw instead of being measured as a hit.
        _known = Request(header);
        using (var scope = _cached.CreateScope())
        {
            _known.RequestServices = scope.ServiceProvider;
            Require(_cachedAuthentication.AuthenticateAsync(_known).AsTask().GetAwaiter().GetResult());
        }

        _known.RequestServices = null!;
        _unknown = Request(header);
        if (FullValidation().AsTask().GetAwaiter().GetResult() is not { ClientId: DemoRegistry.ClientId })
        {
            throw new InvalidOperationException("The gateway's own token did not authenticate without the caches.");
        }
    }

    [Benchmark]
    public async ValueTask<Caller?> TokenCacheHit() => (await _cachedAuthentication.AuthenticateAsync(_known)).Caller;

    [Benchmark]
    public async ValueTask<Caller?> FullValidation()
    {
        // ASP.NET Core gives every request a scope; the authentication handler and its result live in it.
        await using var scope = _uncached.CreateAsyncScope();
        _unknown.RequestServices = scope.ServiceProvider;
        return (await _uncachedAuthentication.AuthenticateAsync(_unknown)).Caller;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _cachedAuthentication?.Dispose();
        _uncachedAuthentication?.Dispose();
        _cached?.Dispose();
        _uncached?.Dispose();
        _dataDirectory?.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    // The gateway's identity registration (Identity/GatewayIdentityServiceCollectionExtensions) and what it needs.
    private ServiceProvider Identity(int validatedTokenCacheSize)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:DataDirectory"] = _dataDirectory.FullName,
            ["Identity:ValidatedTokenCacheSize"] = validatedTokenCacheSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Longer than any benchmark run, so the token never expires under it.
            ["Identity:TokenLifetime"] = "01:00:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddGatewayIdentity(configuration);
        return services.BuildServiceProvider();
    }

    private static CallerAuthentication Authentication(ServiceProvider services) =>
        new(services.GetRequiredService<IOptions<IdentityOptions>>(), TimeProvider.System);

    private static DefaultHttpContext Request(string authorization)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/population/v1/citizens/001099012345";
        context.Request.Headers.Authorization = authorization;
        return context;
    }

    private static void Require(AuthenticatedCaller authenticated)
    {
        if (authenticated.Caller is not { ClientId: DemoRegistry.ClientId })
        {
            throw new InvalidOperationException("The gateway's own token did not authenticate.");
        }
    }
}
