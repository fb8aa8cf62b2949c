using System.Globalization;
using System.Text.RegularExpressions;

namespace MeshClient.DependencyInjection;

/// <summary>
/// Reads a time span as .NET writes it (<c>00:00:10</c>) or as go-chassis users do: a number with a unit, or several
/// (<c>10s</c>, <c>500ms</c>, <c>2m</c>, <c>1h30m</c>, <c>1.5s</c>; units ms, s, m, h, d).
/// </summary>
internal static partial class DurationText
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <returns><see langword="true"/> when it is a time span in either form.</returns>
    public static bool TryParse(string text, out TimeSpan value)
    {
        var trimmed = text.Trim();
        if (TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        var match = UnitForm().Match(trimmed);
        if (!match.Success)
        {
            return false;
        }

        var ticks = 0m;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unitAt = part.Value.IndexOfAny(['m', 's', 'h', 'd']);
            var number = decimal.Parse(part.Value[..unitAt], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            ticks += number * part.Value[unitAt..] switch
            {
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => TimeSpan.TicksPerDay,
            };
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ms|s|m|h|d))+$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitForm();
}
