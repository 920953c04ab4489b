using System.Globalization;

namespace Ndxp.Gateway.Load;

/// <summary>Durations on the command line: a number and a unit, <c>250us</c>, <c>5ms</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>.</summary>
internal static class Durations
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("us", TimeSpan.TicksPerMicrosecond),
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
    ];

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        // Longest unit names first: "ms" must not be read as "m" after "5m".
        foreach (var (unit, ticks) in Units.OrderByDescending(u => u.Unit.Length))
        {
            if (text.EndsWith(unit, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - unit.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                && double.IsFinite(number) && number * ticks < TimeSpan.MaxValue.Ticks)
            {
                value = TimeSpan.FromTicks((long)Math.Round(number * ticks));
                return true;
            }
        }

        return false;
    }

    public static string Milliseconds(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
