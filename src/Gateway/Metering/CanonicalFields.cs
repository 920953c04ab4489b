using System.Buffers.Binary;
using System.Text;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// A stored item's fields as the call chain hashes them: each field a tag byte and its value (text as its UTF-8 length
/// and bytes, numbers as 8 bytes little-endian, a double by its IEEE bits so that no formatting can round it), the
/// item closed by an end byte. Unambiguous: no two different sequences of fields give the same bytes.
/// </summary>
public sealed class CanonicalFields
{
    private const byte Null = 0, TextTag = 1, IntegerTag = 2, DoubleTag = 3, EndTag = 0xFF;

    private byte[] _buffer = new byte[512];
    private int _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void Text(string? value)
    {
        if (value is null)
        {
            Tag(Null);
            return;
        }

        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        var span = Reserve(1 + 4 + most);
        span[0] = TextTag;
        var bytes = Encoding.UTF8.GetBytes(value, span[5..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], bytes);
        _length += 5 + bytes;
    }

    public void Number(long value)
    {
        var span = Reserve(9);
        span[0] = IntegerTag;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], value);
        _length += 9;
    }

    public void Real(double? value)
    {
        if (value is not { } number)
        {
            Tag(Null);
            return;
        }

        var span = Reserve(9);
        span[0] = DoubleTag;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], BitConverter.DoubleToInt64Bits(number));
        _length += 9;
    }

    public void End() => Tag(EndTag);

    private void Tag(byte tag)
    {
        Reserve(1)[0] = tag;
        _length++;
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
        }

        return _buffer.AsSpan(_length);
    }
}
