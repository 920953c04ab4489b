using Microsoft.AspNetCore.Http.Features;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// The bytes carried each way through a call's upgraded connection (an admitted WebSocket), which neither body counter
/// sees: the caller's side of a tunnel is handed out only by the upgrade features (HTTP/1.1 <c>UpgradeAsync</c>,
/// HTTP/2 extended CONNECT <c>AcceptAsync</c>), so metering stands between them and YARP, which switches the connection.
/// </summary>
internal sealed class TunnelBytes
{
    // Each is counted by one of YARP's two copy loops and read once both have ended.
    private long _received;
    private long _sent;

    /// <summary>From the caller to the provider.</summary>
    public long Received => _received;

    /// <summary>From the provider to the caller.</summary>
    public long Sent => _sent;

    /// <summary>Counts the tunnel of a call that can switch protocols; null, with nothing allocated, for any other call.</summary>
    public static TunnelBytes? Watch(IFeatureCollection features)
    {
        if (features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
        {
            var bytes = new TunnelBytes();
            features.Set<IHttpUpgradeFeature>(new CountingUpgradeFeature(upgrade, bytes));
            return bytes;
        }

        if (features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            var bytes = new TunnelBytes();
            features.Set<IHttpExtendedConnectFeature>(new CountingExtendedConnectFeature(connect, bytes));
            return bytes;
        }

        return null;
    }

    private CountingStream Count(Stream tunnel) => new(tunnel, read: n => _received += n, written: n => _sent += n);

    private sealed class CountingUpgradeFeature(IHttpUpgradeFeature inner, TunnelBytes bytes) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync() => bytes.Count(await inner.UpgradeAsync());
    }

    private sealed class CountingExtendedConnectFeature(IHttpExtendedConnectFeature inner, TunnelBytes bytes) : IHttpExtendedConnectFeature
    {
        public bool IsExtendedConnect => inner.IsExtendedConnect;

        public string? Protocol => inner.Protocol;

        public async ValueTask<Stream> AcceptAsync() => bytes.Count(await inner.AcceptAsync());
    }
}
