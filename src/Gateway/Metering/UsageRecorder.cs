using System.Threading.Channels;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// The request thread's only metering work: hand the record over. The <see cref="UsageWriter"/> drains the channel
/// continually and bounds memory itself (spilling to the spool file), so the channel stays short.
/// </summary>
public sealed class UsageRecorder
{
    private readonly Channel<UsageRecord> _channel = Channel.CreateUnbounded<UsageRecord>(
        // Not SingleReader: that channel cannot report its Count, which the backlog metric needs.
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    public ChannelReader<UsageRecord> Reader => _channel.Reader;

    /// <summary>Records a call; false only after shutdown has closed the channel.</summary>
    public bool Record(UsageRecord record) => _channel.Writer.TryWrite(record);

    internal void Complete() => _channel.Writer.TryComplete();

    /// <summary>Records waiting for the writer (the in-channel part of the backlog).</summary>
    public int Pending => _channel.Reader.Count;
}
