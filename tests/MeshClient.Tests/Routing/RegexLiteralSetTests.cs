using System.Text.RegularExpressions;
using CsCheck;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>An anchored alternation of literals is looked up in a set, with exactly the regex's answers.</summary>
public sealed class RegexLiteralSetTests
{
    private const RegexOptions ParserOptions = RegexOptions.CultureInvariant | RegexOptions.Compiled;

    [Theory]
    [InlineData("^(anna|bob)$", new[] { "anna", "bob" })]
    [InlineData("^(?:anna|bob|c-3_po)$", new[] { "anna", "bob", "c-3_po" })]
    [InlineData("^jason$", new[] { "jason" })]
    [InlineData(@"^(v1\.2|v2)$", new[] { "v1.2", "v2" })]
    public void An_anchored_alternation_of_literals_becomes_a_set(string pattern, string[] values)
    {
        var set = RegexLiteralSet.TryCreate(new Regex(pattern, ParserOptions));

        Assert.NotNull(set);
        Assert.Equal(values.Order(), set.Values.Order());
    }

    [Theory]
    [InlineData("anna|bob")] // not anchored: "contains"
    [InlineData("^(anna|bob)")]
    [InlineData("^(ann.|bob)$")]
    [InlineData("^(anna|bob)+$")]
    [InlineData("^(anna|b[o]b)$")]
    [InlineData("^(anna||bob)$")]
    [InlineData("^a(nna|bob)$")]
    public void Anything_else_stays_a_regex(string pattern) =>
        Assert.Null(RegexLiteralSet.TryCreate(new Regex(pattern, ParserOptions)));

    [Fact]
    public void Multiline_changes_the_anchors_so_it_stays_a_regex() =>
        Assert.Null(RegexLiteralSet.TryCreate(new Regex("^(anna|bob)$", ParserOptions | RegexOptions.Multiline)));

    [Theory]
    [InlineData("anna", false)]
    [InlineData("bob", false)]
    [InlineData("ANNA", false)]
    [InlineData("ANNA", true)]
    [InlineData("annab", false)]
    [InlineData("xanna", true)]
    [InlineData("anna\n", false)]
    [InlineData("anna\n\n", false)]
    [InlineData("", false)]
    [InlineData("bo", true)]
    public void The_set_answers_as_the_regex_does(string value, bool ignoreCase)
    {
        var regex = new Regex("^(anna|bob)$", ParserOptions | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));
        var set = RegexLiteralSet.TryCreate(regex)!;

        Assert.Equal(regex.IsMatch(value), set.Matches(value));
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(RegexLiteralSet.MaxScanned, false)]
    [InlineData(RegexLiteralSet.MaxScanned, true)]
    [InlineData(RegexLiteralSet.MaxScanned + 1, false)]
    [InlineData(RegexLiteralSet.MaxScanned + 1, true)]
    [InlineData(40, true)]
    public void Scanned_and_hashed_sets_answer_as_the_regex_does(int count, bool ignoreCase)
    {
        var literals = Enumerable.Range(0, count).Select(i => "user" + i).ToArray();
        var regex = new Regex("^(" + string.Join('|', literals) + ")$", ParserOptions | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));
        var set = RegexLiteralSet.TryCreate(regex)!;

        string[] values = ["user0", "USER0", "user" + (count - 1), "User" + (count - 1), "user" + count, "user", "user0\n", "USER1\n", "xuser0", string.Empty, "user00"];
        foreach (var value in values)
        {
            Assert.True(regex.IsMatch(value) == set.Matches(value), $"{value} against {count} literals, ignore case {ignoreCase}");
        }
    }

    [Fact]
    public void A_rule_with_such_a_regex_routes_as_before()
    {
        var router = new MeshRouter(
            new MeshClient.Registry.MeshRegistry(MeshFixtures.SeedSnapshot(host: MeshFixtures.ReviewsHost)),
            RouterRules.Parse("""
                routeRule:
                  reviews:
                    - precedence: 2
                      match: {headers: {X-User: {regex: "^(anna|bob)$"}}}
                      route: [{tags: {version: v2}, weight: 100}]
                    - precedence: 1
                      route: [{tags: {version: v1}, weight: 100}]
                """),
            MeshClient.Routing.DestinationRuleSet.Parse(MeshFixtures.SeedDestinationRuleYaml.Replace("targetService", "reviews", StringComparison.Ordinal)));

        Assert.Equal(0, router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("X-User", "bob"))).RuleIndex);
        Assert.Equal(1, router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("X-User", "bobby"))).RuleIndex);
        Assert.Equal(1, router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("X-User", "Bob"))).RuleIndex);
    }

    [Theory]
    [InlineData("")]
    [InlineData("^")]
    [InlineData("$")]
    [InlineData("^$")]
    [InlineData(@"^anna\$")] // an escaped dollar is a literal, not an anchor
    [InlineData("^anna")] // a prefix
    [InlineData("anna$")] // a suffix
    [InlineData("^a..$")] // a dot that is not escaped is any character
    [InlineData("^(anna|bob)$", RegexOptions.RightToLeft)]
    [InlineData("^(anna|bob)$", RegexOptions.IgnorePatternWhitespace)]
    public void Patterns_that_are_not_a_whole_anchored_alternation_stay_a_regex(string pattern, RegexOptions options = RegexOptions.None) =>
        Assert.Null(RegexLiteralSet.TryCreate(new Regex(pattern, ParserOptions | options)));

    [Fact]
    public void Any_alternation_of_literals_answers_as_the_regex_does()
    {
        // Literals of letters in both cases, digits, '_', '-' and '.', tested with themselves, case variants,
        // prefixes, extensions and a final newline, in scanned (up to MaxScanned) and hashed sets.
        var literal = Gen.Char["aAbB1_-."].Array[1, 5].Select(c => new string(c));
        var gen = Gen.Select(literal.Array[1, 14], Gen.Bool, Gen.Int[0, 2], Gen.Char["aAbB1_-.\n"].Array[0, 6].Select(c => new string(c)).Array[0, 6]);
        gen.Sample((literals, ignoreCase, group, others) =>
        {
            var alternation = string.Join('|', literals.Select(l => l.Replace(".", @"\.", StringComparison.Ordinal)));
            var pattern = group switch
            {
                0 => "^(" + alternation + ")$",
                1 => "^(?:" + alternation + ")$",
                _ => literals.Length == 1 ? "^" + alternation + "$" : "^(" + alternation + ")$",
            };
            var regex = new Regex(pattern, ParserOptions | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));
            var set = RegexLiteralSet.TryCreate(regex);
            Assert.NotNull(set);
            Assert.Equal(literals.Distinct(ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal).Count(), set.Values.Count);

            var values = literals.SelectMany(l => new[] { l, l.ToUpperInvariant(), l.ToLowerInvariant(), l + "\n", l + "\n\n", l[..^1], l + "a", "\n" + l })
                .Concat(others).Append(string.Empty).Append("\n");
            foreach (var value in values)
            {
                Assert.True(regex.IsMatch(value) == set.Matches(value), $"'{value}' against {pattern}");
            }
        }, iter: 400);
    }
}
