using System.Globalization;

namespace MeshClient.Routing;

/// <summary>
/// Orders <c>version</c> label values as semantic versions: an optional leading <c>v</c>, dot-separated numbers
/// compared as numbers (<c>v10</c> after <c>v9</c>, missing parts count as 0), a release after its pre-releases
/// (<c>1.0.0-rc1</c> before <c>1.0.0</c>), build metadata ignored, and parts that are not numbers compared as text
/// after numbers.
/// </summary>
internal sealed class VersionLabelComparer : IComparer<string>
{
    public static VersionLabelComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var (xMain, xPre) = Split(x);
        var (yMain, yPre) = Split(y);
        var result = CompareParts(xMain, yMain, missingIsZero: true);
        if (result != 0)
        {
            return result;
        }

        if (xPre.Length == 0 || yPre.Length == 0)
        {
            result = (xPre.Length == 0 ? 1 : 0) - (yPre.Length == 0 ? 1 : 0);
            return result != 0 ? result : string.CompareOrdinal(x, y);
        }

        result = CompareParts(xPre, yPre, missingIsZero: false);
        return result != 0 ? result : string.CompareOrdinal(x, y);
    }

    private static (string[] Main, string[] Pre) Split(string version)
    {
        var text = version.Length > 1 && version[0] is 'v' or 'V' && char.IsAsciiDigit(version[1]) ? version[1..] : version;
        var plus = text.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            text = text[..plus];
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? (text.Split('.'), []) : (text[..dash].Split('.'), text[(dash + 1)..].Split('.'));
    }

    private static int CompareParts(string[] x, string[] y, bool missingIsZero)
    {
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            if (i >= x.Length || i >= y.Length)
            {
                if (!missingIsZero)
                {
                    return i >= x.Length ? -1 : 1;
                }
            }

            var a = i < x.Length ? x[i] : "0";
            var b = i < y.Length ? y[i] : "0";
            var aNumber = long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var an);
            var bNumber = long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var bn);
            var result = (aNumber, bNumber) switch
            {
                (true, true) => an.CompareTo(bn),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(a, b),
            };
            if (result != 0)
            {
                return result;
            }
        }

        return 0;
    }
}
