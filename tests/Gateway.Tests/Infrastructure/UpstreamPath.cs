namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A path under a test-upstream service that no other call uses: a test proves that its own refused call never
/// reached the provider (<see cref="TestUpstream.ReceivedUnder"/> is 0) while other tests call the same upstream.
/// </summary>
internal static class UpstreamPath
{
    public static string Unique(string servicePrefix) => $"{servicePrefix}/{Guid.NewGuid():N}";
}
