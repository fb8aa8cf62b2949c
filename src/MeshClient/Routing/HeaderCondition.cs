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

    private const int GreaterBound = 1;
    private const int LessBound = 2;
    private const int NoLessBound = 4;
    private const int NoGreaterBound = 8;

    /// <summary>Bounds below this (in magnitude) that are whole numbers compare as longs.</summary>
    private const decimal IntegerLimit = 1_000_000_000_000_000_000m;

    private readonly RegexLiteralSet? _literals;
    private readonly StringComparison _comparison;
    private readonly int _bounds;
    private readonly decimal _greater;
    private readonly decimal _less;
    private readonly decimal _noLess;
    private readonly decimal _noGreater;
    private readonly bool _integralBounds;
    private readonly long _greaterInteger;
    private readonly long _lessInteger;
    private readonly long _noLessInteger;
    private readonly long _noGreaterInteger;

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
        _comparison = caseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        _bounds = (greater is null ? 0 : GreaterBound) | (less is null ? 0 : LessBound)
            | (noLess is null ? 0 : NoLessBound) | (noGreater is null ? 0 : NoGreaterBound);
        _greater = greater.GetValueOrDefault();
        _less = less.GetValueOrDefault();
        _noLess = noLess.GetValueOrDefault();
        _noGreater = noGreater.GetValueOrDefault();
        _integralBounds = TryIntegral(greater, out _greaterInteger) & TryIntegral(less, out _lessInteger)
            & TryIntegral(noLess, out _noLessInteger) & TryIntegral(noGreater, out _noGreaterInteger);
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

    /// <summary>Whether testing a value runs a regex (one that is not a set of literals): too costly to test ahead of need.</summary>
    public bool RunsRegex => Regex is not null && _literals is null;

    /// <summary>
    /// Whether the condition has bounds that compare whole numbers as longs: a value it tests is worth parsing once
    /// per decision (<see cref="HeaderSnapshot"/>, <see cref="ConditionTable"/>) and passing to
    /// <see cref="Matches(ReadOnlySpan{char}, bool, long)"/>.
    /// </summary>
    public bool HasIntegerBounds => _bounds != 0 && _integralBounds;

    public bool Matches(ReadOnlySpan<char> value)
    {
        var isInteger = false;
        long integer = 0;
        if (HasIntegerBounds)
        {
            isInteger = TryParseInteger(value, out integer);
        }

        return Matches(value, isInteger, integer);
    }

    /// <summary>Whether <paramref name="value"/> matches, given whether it is a whole number (<see cref="TryParseInteger"/>) and which.</summary>
    /// <param name="value">The header's value.</param>
    /// <param name="isInteger">Whether <see cref="TryParseInteger"/> reads <paramref name="value"/>; may be <see langword="false"/> when <see cref="HasIntegerBounds"/> is.</param>
    /// <param name="integer">The number it reads.</param>
    public bool Matches(ReadOnlySpan<char> value, bool isInteger, long integer)
    {
        if (Exact is not null && !EqualsText(value, Exact))
        {
            return false;
        }

        if (NoEqu is not null && EqualsText(value, NoEqu))
        {
            return false;
        }

        if (_bounds != 0 && !MatchesBounds(value, isInteger, integer))
        {
            return false;
        }

        if (_literals is not null)
        {
            return _literals.Matches(value);
        }

        return Regex is null || MatchesRegex(Regex, value);
    }

    /// <summary>Runs the regex; a match that times out counts as no match. Apart, so <see cref="Matches(ReadOnlySpan{char}, bool, long)"/> has no exception handler (which would keep its value in memory).</summary>
    private static bool MatchesRegex(Regex regex, ReadOnlySpan<char> value)
    {
        try
        {
            return regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Compares as the condition says: ordinal (an inlined comparison) unless case-insensitive.</summary>
    private bool EqualsText(ReadOnlySpan<char> value, string text) =>
        _comparison == StringComparison.Ordinal ? value.SequenceEqual(text) : value.Equals(text, StringComparison.OrdinalIgnoreCase);

    private bool MatchesBounds(ReadOnlySpan<char> value, bool isInteger, long integer)
    {
        // Whole numbers against whole bounds (ages, counts, ids) compare as longs; anything else as decimals.
        if (_integralBounds && isInteger)
        {
            return ((_bounds & GreaterBound) == 0 || integer > _greaterInteger)
                && ((_bounds & LessBound) == 0 || integer < _lessInteger)
                && ((_bounds & NoLessBound) == 0 || integer >= _noLessInteger)
                && ((_bounds & NoGreaterBound) == 0 || integer <= _noGreaterInteger);
        }

        return MatchesDecimalBounds(value);
    }

    private bool MatchesDecimalBounds(ReadOnlySpan<char> value) =>
        TryParseNumber(value, out var number)
        && ((_bounds & GreaterBound) == 0 || number > _greater)
        && ((_bounds & LessBound) == 0 || number < _less)
        && ((_bounds & NoLessBound) == 0 || number >= _noLess)
        && ((_bounds & NoGreaterBound) == 0 || number <= _noGreater);

    /// <summary>Whether an unset bound, or a set one that is a whole number of at most 18 digits (then as a long).</summary>
    private static bool TryIntegral(decimal? bound, out long integer)
    {
        integer = 0;
        if (bound is not { } value)
        {
            return true;
        }

        if (decimal.Truncate(value) != value || Math.Abs(value) >= IntegerLimit)
        {
            return false;
        }

        integer = (long)value;
        return true;
    }

    /// <summary>Reads a whole number of 1 to 18 ASCII digits with an optional leading <c>-</c>; anything else is not one.</summary>
    internal static bool TryParseInteger(ReadOnlySpan<char> text, out long number)
    {
        var negative = text.Length > 0 && text[0] == '-';
        var digits = negative ? text[1..] : text;
        number = 0;
        if (digits.Length is 0 or > 18)
        {
            return false;
        }

        long value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        number = negative ? -value : value;
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
