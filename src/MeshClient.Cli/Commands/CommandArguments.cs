using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MeshClient.Cli.Commands;

/// <summary>
/// The values of one command's options as System.CommandLine parsed them, read by name (without the leading
/// <c>--</c>), with meshctl's checks for numbers and <c>KEY=VALUE</c> pairs. Malformed values are usage errors that name
/// the option.
/// </summary>
internal sealed class CommandArguments
{
    private readonly ParseResult _result;

    public CommandArguments(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _result = result;
    }

    /// <summary>Whether the option was given on the command line.</summary>
    public bool Has(string name) =>
        _result.CommandResult.Command.Options.Any(o => o.Name == Option(name)) && _result.GetResult(Option(name)) is OptionResult { Implicit: false };

    /// <summary>A flag's value: given as <c>--json</c> (or <c>--json true</c>).</summary>
    public bool Flag(string name) => Has(name) && _result.GetValue<bool>(Option(name));

    /// <summary>A single value, <see langword="null"/> when the option is absent.</summary>
    public string? Value(string name) => Has(name) ? _result.GetValue<string>(Option(name)) : null;

    /// <summary>Every value of a repeatable option, in order.</summary>
    public IReadOnlyList<string> Values(string name) => Has(name) ? _result.GetValue<string[]>(Option(name)) ?? [] : [];

    public string Required(string name) => Value(name) ?? throw new UsageException($"option '--{name}' is required");

    public double Seconds(string name, double fallback)
    {
        var text = Value(name);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && double.IsFinite(seconds)
            ? seconds
            : throw new UsageException($"option '--{name}' must be a number of seconds (0 or more), not '{text}'");
    }

    public int PositiveInt(string name, int fallback)
    {
        var text = Value(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new UsageException($"option '--{name}' must be a whole number above 0, not '{text}'");
    }

    /// <summary>Reads repeated <c>K=V</c> values into a dictionary; a later key replaces an earlier one.</summary>
    public Dictionary<string, string> Pairs(string name, IEqualityComparer<string>? keys = null)
    {
        var pairs = new Dictionary<string, string>(keys ?? StringComparer.Ordinal);
        foreach (var item in Values(name))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"option '--{name}' takes KEY=VALUE, not '{item}'");
            }

            pairs[item[..equals]] = item[(equals + 1)..];
        }

        return pairs;
    }

    private static string Option(string name) => "--" + name;
}
