using System.Globalization;

namespace MeshClient.Xds.Transport;

/// <summary>
/// The <c>grpc-timeout</c> request header: a positive integer of at most 8 digits followed by a unit,
/// H (hours), M (minutes), S (seconds), m (milliseconds), u (microseconds) or n (nanoseconds).
/// </summary>
internal static class GrpcTimeoutHeader
{
    /// <summary>The header's name.</summary>
    public const string Name = "grpc-timeout";

    private const long MaxValue = 99_999_999;

    // Coarsest first; nanoseconds are handled apart because a tick (100 ns) is a whole number of them.
    private static readonly (char Unit, long Ticks)[] Units =
    [
        ('H', TimeSpan.TicksPerHour),
        ('M', TimeSpan.TicksPerMinute),
        ('S', TimeSpan.TicksPerSecond),
        ('m', TimeSpan.TicksPerMillisecond),
        ('u', TimeSpan.TicksPerMicrosecond),
    ];

    /// <summary>
    /// Formats a timeout exactly in the coarsest unit that holds it in 8 digits; when no unit holds it exactly, rounds
    /// up in the finest unit that fits (a server deadline a little later than the client's is harmless; earlier is not).
    /// Timeouts beyond 99,999,999 hours are capped there.
    /// </summary>
    /// <param name="timeout">A positive timeout.</param>
    public static string Format(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var ticks = timeout.Ticks;
        foreach (var (unit, unitTicks) in Units)
        {
            if (ticks % unitTicks == 0 && ticks / unitTicks <= MaxValue)
            {
                return Build(ticks / unitTicks, unit);
            }
        }

        if (ticks <= MaxValue / 100)
        {
            return Build(ticks * 100, 'n');
        }

        for (var i = Units.Length - 1; i >= 0; i--)
        {
            var (unit, unitTicks) = Units[i];
            var value = (ticks / unitTicks) + (ticks % unitTicks == 0 ? 0 : 1);
            if (value <= MaxValue)
            {
                return Build(value, unit);
            }
        }

        return Build(MaxValue, 'H');
    }

    private static string Build(long value, char unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{value}{unit}");
}
