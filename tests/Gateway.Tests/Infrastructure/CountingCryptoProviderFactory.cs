using Microsoft.IdentityModel.Tokens;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>Counts the signature verifiers the token handler asks a key for: one per signature actually checked.</summary>
internal sealed class CountingCryptoProviderFactory : CryptoProviderFactory
{
    private int _verifiers;

    public int Verifiers => Volatile.Read(ref _verifiers);

    // The two-argument overload ends here too: counting both would count each verifier twice.
    public override SignatureProvider CreateForVerifying(SecurityKey key, string algorithm, bool cacheProvider)
    {
        Interlocked.Increment(ref _verifiers);
        return base.CreateForVerifying(key, algorithm, cacheProvider);
    }
}
