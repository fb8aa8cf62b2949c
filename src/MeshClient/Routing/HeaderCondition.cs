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

    private readonly RegexLiteralSet? _literals;

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
        _literals = regex is null ? null : RegexLiteralSet.TryCreate(regex);
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
            if (!TryParseNumber(value, out var number))
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

        if (_literals is not null)
        {
            return _literals.Matches(value);
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

    /// <summary>
    /// Reads a decimal number: plain ones (<c>-12.5</c>, up to 18 digits) directly, anything else (spaces, exponents,
    /// a leading +) through <see cref="decimal.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider?, out decimal)"/>
    /// with the invariant culture.
    /// </summary>
    internal static bool TryParseNumber(ReadOnlySpan<char> text, out decimal number)
    {
        var negative = text.Length > 0 && text[0] == '-';
        var digits = negative ? text[1..] : text;
        if (digits.Length is > 0 and <= 19)
        {
            ulong mantissa = 0;
            var count = 0;
            var scale = -1;
            var plain = true;
            for (var i = 0; i < digits.Length; i++)
            {
                var c = digits[i];
                if (char.IsAsciiDigit(c) && count < 18)
                {
                    mantissa = (mantissa * 10) + (uint)(c - '0');
                    count++;
                    if (scale >= 0)
                    {
                        scale++;
                    }
                }
                else if (c == '.' && scale < 0 && i > 0 && i < digits.Length - 1)
                {
                    scale = 0;
                }
                else
                {
                    plain = false;
                    break;
                }
            }

            if (plain && count > 0)
            {
                number = new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), 0, negative, (byte)Math.Max(scale, 0));
                return true;
            }
        }

        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }
}
