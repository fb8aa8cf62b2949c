using MeshClient.Cli.Commands;

namespace MeshClient.Cli.Tests.Commands;

public sealed class CommandArgumentsTests
{
    private static CommandArguments Parse(params string[] args) => ParsedArguments.Parse(args);

    [Fact]
    public void Values_come_separate_or_inline_and_an_inline_value_may_hold_equals_signs()
    {
        var arguments = Parse("--service", "reviews", "--header=X-User=jason", "--json");

        Assert.Equal("reviews", arguments.Value("service"));
        Assert.Equal(["X-User=jason"], arguments.Values("header"));
        Assert.True(arguments.Flag("json"));
        Assert.True(arguments.Has("service"));
        Assert.False(arguments.Has("timeout"));
        Assert.Null(arguments.Value("timeout"));
        Assert.Empty(arguments.Values("header").Skip(1));
        Assert.False(Parse().Flag("json"));
        Assert.Empty(Parse().Values("header"));
    }

    [Fact]
    public void Repeatable_options_keep_every_value_in_order()
    {
        var arguments = Parse("--header", "A=1", "--header", "B=2");

        Assert.Equal(["A=1", "B=2"], arguments.Values("header"));
    }

    [Fact]
    public void An_inline_value_may_start_with_dashes_or_be_empty()
    {
        var arguments = Parse("--header=X=--v", "--service=-r");

        Assert.Equal(["X=--v"], arguments.Values("header"));
        Assert.Equal("-r", arguments.Value("service"));
        Assert.Contains(ParsedArguments.Errors("--service="), e => e.Contains("'--service'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_value_may_start_with_a_single_dash()
    {
        Assert.Equal("-1", Parse("--timeout", "-1").Value("timeout"));
    }

    [Theory]
    [InlineData("'--nope'", "--nope")]
    [InlineData("'--Service'", "--Service", "reviews")]
    [InlineData("'reviews'", "reviews")]
    [InlineData("'b'", "--service", "a", "b")]
    [InlineData("'--service'", "--service")]
    [InlineData("option '--service' needs a value, not the option '--json'", "--service", "--json")]
    [InlineData("'--service'", "--service", "a", "--service", "b")]
    public void Malformed_command_lines_are_parse_errors_that_name_the_token(string token, params string[] args)
    {
        var errors = ParsedArguments.Errors(args);

        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public void Required_names_the_missing_option()
    {
        Assert.Equal("option '--service' is required", Assert.Throws<UsageException>(() => Parse("--json").Required("service")).Message);
        Assert.Equal("reviews", Parse("--service", "reviews").Required("service"));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("2.5", 2.5)]
    [InlineData("10", 10)]
    public void Seconds_reads_invariant_numbers(string text, double expected)
    {
        Assert.Equal(expected, Parse("--timeout", text).Seconds("timeout", 99));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("2,5")]
    [InlineData("ten")]
    public void Seconds_rejects_negative_and_non_finite_values(string text)
    {
        var error = Assert.Throws<UsageException>(() => Parse($"--timeout={text}").Seconds("timeout", 10));
        Assert.Equal($"option '--timeout' must be a number of seconds (0 or more), not '{text}'", error.Message);
    }

    [Fact]
    public void Seconds_and_positive_int_fall_back_when_absent()
    {
        var arguments = Parse();
        Assert.Equal(10, arguments.Seconds("timeout", 10));
        Assert.Equal(1000, arguments.PositiveInt("calls", 1000));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("1e3")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    [InlineData(" 5")]
    public void Positive_int_rejects_anything_but_a_plain_whole_number_above_0(string text)
    {
        var error = Assert.Throws<UsageException>(() => Parse($"--calls={text}").PositiveInt("calls", 1));
        Assert.Equal($"option '--calls' must be a whole number above 0, not '{text}'", error.Message);
    }

    [Fact]
    public void Positive_int_reads_a_whole_number()
    {
        Assert.Equal(2500, Parse("--calls", "2500").PositiveInt("calls", 1));
    }

    [Fact]
    public void Pairs_split_at_the_first_equals_sign_and_allow_empty_values()
    {
        var pairs = Parse("--header", "A=1", "--header", "B=x=y", "--header", "C=", "--header", "A=2").Pairs("header");

        Assert.Equal(new Dictionary<string, string> { ["A"] = "2", ["B"] = "x=y", ["C"] = string.Empty }, pairs);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("=1")]
    public void Pairs_need_a_key_and_an_equals_sign(string item)
    {
        var error = Assert.Throws<UsageException>(() => Parse("--header", item).Pairs("header"));
        Assert.Equal($"option '--header' takes KEY=VALUE, not '{item}'", error.Message);
    }
}
