using System.Globalization;
using System.Text.RegularExpressions;

namespace MeshClient.Routing;

/// <summary>
/// The operators set on one header in a match: every one of them must hold. A missing header matches no condition;
/// the numeric operators compare decimal numbers and never match a value that is not a number.
/// </summary>
internal sealed class HeaderCondition
{
    /// <summary>How long one regex match may run before it counts as not matching.</summary>
    public static readonly TimeSpan RegexMatchTimeout = TimeSpan.FromMilliseconds(100);

    public HeaderCondition(
        string name,
        string? exact,
        Regex? regex,
        string? noEqu,
        decimal? greater,
        decimal? less,
        decimal? noLess,
        decimal? noGreater,
        bool caseInsensitive)
    {
        Name = name;
        Exact = exact;
        Regex = regex;
        NoEqu = noEqu;
        Greater = greater;
        Less = less;
        NoLess = noLess;
        NoGreater = noGreater;
        CaseInsensitive = caseInsensitive;
        HasNumeric = greater is not null || less is not null || noLess is not null || noGreater is not null;
    }

    public string Name { get; }

    public string? Exact { get; }

    public Regex? Regex { get; }

    public string? NoEqu { get; }

    public decimal? Greater { get; }

    public decimal? Less { get; }

    public decimal? NoLess { get; }

    public decimal? NoGreater { get; }

    public bool CaseInsensitive { get; }

    private bool HasNumeric { get; }

    public bool Matches(ReadOnlySpan<char> value)
    {
        var comparison = CaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (Exact is not null && !value.Equals(Exact, comparison))
        {
            return false;
        }

        if (NoEqu is not null && value.Equals(NoEqu, comparison))
        {
            return false;
        }

        if (HasNumeric)
        {
            if (!decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            if ((Greater is { } g && number <= g)
                || (Less is { } l && number >= l)
                || (NoLess is { } nl && number < nl)
                || (NoGreater is { } ng && number > ng))
            {
                return false;
            }
        }

        if (Regex is not null)
        {
            try
            {
                return Regex.IsMatch(value);
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }

        return true;
    }
}
