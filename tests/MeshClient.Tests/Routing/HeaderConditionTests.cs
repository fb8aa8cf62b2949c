using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>The header operators, one at a time and together, through parsed rules.</summary>
public sealed class HeaderConditionTests
{
    private static bool Matches(string condition, string? value, string headerName = "X-Test")
    {
        var rules = RouterRules.Parse($$$"""
            routeRule:
              reviews:
                - match: {headers: {X-Test: {{{condition}}}}}
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        Assert.True(rules.TryGetRules("reviews", out var list));
        var request = new RouteRequest("reviews");
        var headers = value is null ? MeshFixtures.Headers() : MeshFixtures.Headers((headerName, value));
        return list[0].Match!.Matches(request, headers);
    }

    [Theory]
    [InlineData("{exact: jason}", "jason", true)]
    [InlineData("{exact: jason}", "Jason", false)]
    [InlineData("{exact: jason, caseInsensitive: true}", "JASON", true)]
    [InlineData("{exact: jason}", "jason2", false)]
    [InlineData("{noEqu: jason}", "anna", true)]
    [InlineData("{noEqu: jason}", "jason", false)]
    [InlineData("{noEqu: jason}", "JASON", true)]
    [InlineData("{noEqu: jason, caseInsensitive: true}", "JASON", false)]
    [InlineData("{regex: \"^(jason|anna)$\"}", "anna", true)]
    [InlineData("{regex: \"^(jason|anna)$\"}", "annabel", false)]
    [InlineData("{regex: \"^(jason|anna)$\"}", "ANNA", false)]
    [InlineData("{regex: \"^(jason|anna)$\", caseInsensitive: true}", "ANNA", true)]
    [InlineData("{regex: \"son\"}", "jason", true)]
    public void Text_operators(string condition, string value, bool expected) =>
        Assert.Equal(expected, Matches(condition, value));

    [Theory]
    [InlineData("{greater: 18}", "19", true)]
    [InlineData("{greater: 18}", "18", false)]
    [InlineData("{greater: 18}", "18.01", true)]
    [InlineData("{greater: 18.5}", "18.5", false)]
    [InlineData("{greater: 18.5}", "18.6", true)]
    [InlineData("{less: 18}", "17.999", true)]
    [InlineData("{less: 18}", "18", false)]
    [InlineData("{noLess: 18}", "18", true)]
    [InlineData("{noLess: 18}", "17.9", false)]
    [InlineData("{noGreater: 18}", "18", true)]
    [InlineData("{noGreater: 18}", "18.1", false)]
    [InlineData("{greater: -1}", "-0.5", true)]
    [InlineData("{greater: 18}", " 20 ", true)]
    [InlineData("{greater: 1e2}", "101", true)]
    [InlineData("{greater: 18, less: 65}", "30", true)]
    [InlineData("{greater: 18, less: 65}", "65", false)]
    [InlineData("{greater: 18, less: 65}", "10", false)]
    public void Numeric_operators_compare_decimal_numbers(string condition, string value, bool expected) =>
        Assert.Equal(expected, Matches(condition, value));

    [Theory]
    [InlineData("{greater: 18}", "abc")]
    [InlineData("{less: 18}", "")]
    [InlineData("{noGreater: 18}", "1,5")]
    [InlineData("{noLess: 0}", "NaN")]
    [InlineData("{less: 100}", "Infinity")]
    [InlineData("{noEqu: 5, greater: 1}", "x")]
    public void A_value_that_is_not_a_number_never_matches_a_numeric_operator(string condition, string value) =>
        Assert.False(Matches(condition, value));

    [Fact]
    public void Numbers_are_read_with_the_invariant_culture_whatever_the_current_one()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.True(Matches("{greater: 1.5}", "1.75"));
            Assert.False(Matches("{greater: 1.5}", "1,75"));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("18")]
    [InlineData("-0.5")]
    [InlineData("18.010")]
    [InlineData("00012")]
    [InlineData("123456789012345678")]
    [InlineData("1234567890123456789")]
    [InlineData("99999999999999999999999")]
    [InlineData("0.000000000000000001")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1.2.3")]
    [InlineData("-")]
    [InlineData("")]
    [InlineData("1e2")]
    [InlineData(" 20 ")]
    [InlineData("+5")]
    [InlineData("--5")]
    [InlineData("5-")]
    [InlineData("1,000")]
    public void Number_reading_agrees_with_decimal_parsing(string text)
    {
        var expectedOk = decimal.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var expected);
        Assert.Equal(expectedOk, HeaderCondition.TryParseNumber(text, out var actual));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("0", true, 0L)]
    [InlineData("-0", true, 0L)]
    [InlineData("42", true, 42L)]
    [InlineData("-42", true, -42L)]
    [InlineData("00012", true, 12L)]
    [InlineData("123456789012345678", true, 123456789012345678L)]
    [InlineData("-999999999999999999", true, -999999999999999999L)]
    [InlineData("1234567890123456789", false, 0L)]
    [InlineData("1.5", false, 0L)]
    [InlineData("1.", false, 0L)]
    [InlineData("-", false, 0L)]
    [InlineData("", false, 0L)]
    [InlineData("+5", false, 0L)]
    [InlineData(" 5", false, 0L)]
    [InlineData("5a", false, 0L)]
    [InlineData("--5", false, 0L)]
    public void Whole_numbers_are_read_as_longs_and_anything_else_is_left_to_decimal_reading(string text, bool whole, long expected)
    {
        Assert.Equal(whole, HeaderCondition.TryParseInteger(text, out var actual));
        Assert.Equal(expected, actual);
    }

    public static TheoryData<string> Bounds => ["{greater: 18}", "{less: 18}", "{noLess: 18}", "{noGreater: 18}", "{greater: -3, less: 7}", "{noLess: -3, noGreater: 7}", "{greater: 18.5}", "{less: 1e2}", "{noLess: 999999999999999999}", "{noGreater: 1000000000000000000}", "{greater: 0.0}", "{less: -0.5, noLess: -2}"];

    [Theory]
    [MemberData(nameof(Bounds))]
    public void Whole_and_decimal_comparisons_agree_on_every_value(string condition)
    {
        string[] values = ["-1000000000000000000", "-999999999999999999", "-5", "-3", "-2", "-1", "-0.5", "0", "-0", "6", "7", "7.0", "17", "18", "18.0", "18.5", "19", "99", "100", "101", "999999999999999999", "1000000000000000000", "1e3", " 18 "];
        var bounds = RouterRules.Parse($$$"""
            routeRule:
              reviews:
                - match: {headers: {X-Test: {{{condition}}}}}
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        Assert.True(bounds.TryGetRules("reviews", out var list));
        var header = list[0].Match!.Headers[0];
        foreach (var value in values)
        {
            Assert.True(decimal.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number), value);
            var expected = (header.Greater is not { } g || number > g)
                && (header.Less is not { } l || number < l)
                && (header.NoLess is not { } nl || number >= nl)
                && (header.NoGreater is not { } ng || number <= ng);
            Assert.True(expected == header.Matches(value), $"{condition} on {value}: expected {expected}");
        }
    }

    [Theory]
    [InlineData("{exact: jason}")]
    [InlineData("{noEqu: jason}")]
    [InlineData("{greater: 0}")]
    [InlineData("{regex: \".*\"}")]
    public void A_missing_header_matches_no_condition(string condition) =>
        Assert.False(Matches(condition, null));

    [Theory]
    [InlineData("x-test")]
    [InlineData("X-TEST")]
    [InlineData("X-Test")]
    public void Header_names_are_case_insensitive(string name) =>
        Assert.True(Matches("{exact: jason}", "jason", name));

    [Fact]
    public void All_operators_on_one_header_must_hold()
    {
        Assert.True(Matches("{regex: \"^a\", noEqu: anna}", "alice"));
        Assert.False(Matches("{regex: \"^a\", noEqu: anna}", "anna"));
        Assert.False(Matches("{regex: \"^a\", noEqu: anna}", "bob"));
    }

    [Fact]
    public void Regex_is_compiled_once_at_load_with_a_match_timeout()
    {
        var rules = RouterRules.Parse("""
            routeRule:
              reviews:
                - match: {headers: {X-User: {regex: "^(a+)+$"}}}
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        Assert.True(rules.TryGetRules("reviews", out var list));
        var regex = list[0].Match!.Headers[0].Regex!;
        Assert.Equal(HeaderCondition.RegexMatchTimeout, regex.MatchTimeout);
        Assert.Same(regex, list[0].Match!.Headers[0].Regex);
    }

    [Fact]
    public void A_regex_that_times_out_counts_as_not_matching()
    {
        var condition = new HeaderCondition(
            "X-User",
            exact: null,
            regex: new System.Text.RegularExpressions.Regex("^(a+)+$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(1)),
            noEqu: null,
            greater: null,
            less: null,
            noLess: null,
            noGreater: null,
            caseInsensitive: false);
        Assert.False(condition.Matches(new string('a', 40) + "!"));
    }
}
