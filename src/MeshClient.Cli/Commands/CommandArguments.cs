using System.Globalization;

namespace MeshClient.Cli.Commands;

/// <summary>
/// The parsed <c>--name value</c> options of one command. Flags take no value; repeatable options collect every value.
/// Unknown options and missing values are usage errors that name the option.
/// </summary>
internal sealed class CommandArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CommandArguments()
    {
    }

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="valueOptions">Options that take a value (without the leading <c>--</c>).</param>
    /// <param name="flagOptions">Options without a value.</param>
    /// <exception cref="UsageException">An unknown option, a missing value, or a stray argument.</exception>
    public static CommandArguments Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flagOptions)
    {
        var result = new CommandArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }

            var name = arg[2..];
            string? inline = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                inline = name[(equals + 1)..];
                name = name[..equals];
            }

            if (flagOptions.Contains(name))
            {
                if (inline is not null)
                {
                    throw new UsageException($"option '--{name}' takes no value");
                }

                result._flags.Add(name);
                continue;
            }

            if (!valueOptions.Contains(name))
            {
                throw new UsageException($"unknown option '--{name}'");
            }

            var value = inline ?? (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null);
            if (value is null)
            {
                throw new UsageException($"option '--{name}' needs a value");
            }

            if (!result._values.TryGetValue(name, out var list))
            {
                list = [];
                result._values[name] = list;
            }

            list.Add(value);
        }

        return result;
    }

    public bool Has(string flag) => _flags.Contains(flag) || _values.ContainsKey(flag);

    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];

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

    /// <summary>Reads repeated <c>K=V</c> values into a dictionary.</summary>
    public Dictionary<string, string> Pairs(string name)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
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
}
