namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>The first bytes the server sent back: the record's content type, and for an alert its description, for a handshake its message type.</summary>
internal sealed record ServerFirstRecord(byte[] Bytes)
{
    public byte? ContentType => Bytes.Length > 0 ? Bytes[0] : null;

    /// <summary>For a handshake record, the first message's type; for an alert, its level.</summary>
    public byte? FirstBodyByte => Bytes.Length > 5 ? Bytes[5] : null;

    public byte? AlertDescription => ContentType == RawTls.AlertRecord && Bytes.Length > 6 ? Bytes[6] : null;

    public override string ToString() => Convert.ToHexString(Bytes);
}
