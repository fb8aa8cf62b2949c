using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace MeshClient.DependencyInjection;

/// <summary>
/// Reads the <c>Mesh</c> configuration section into <see cref="MeshOptions"/> with messages a user can act on: a value
/// that cannot be converted gives the key and the accepted values (<c>Mesh:Pilot:XdsVersion: 'v4' is not one of V2,
/// V3</c>) instead of the binder's exception; time spans also take <c>10s</c>, <c>500ms</c>, <c>2m</c>; a key that is
/// no option gives a warning naming the nearest known key. Bad values are left out of the binding and reported by
/// <see cref="MeshOptionsValidator"/>, so start-up fails with every problem at once.
/// </summary>
internal static class MeshConfigurationReader
{
    /// <summary>The option keys relative to the section, each with the type of its value; open keys take any sub-key.</summary>
    private static readonly Lazy<List<KnownKey>> Schema = new(() =>
    {
        var keys = new List<KnownKey> { new("Routing:Rules", typeof(string), Open: true) };
        AddProperties(keys, typeof(MeshOptions), prefix: string.Empty);
        return keys;
    });

    /// <summary>Binds <paramref name="configuration"/> onto <paramref name="options"/>, recording problems in it.</summary>
    /// <param name="configuration">The section.</param>
    /// <param name="section">The section's path for messages, such as <c>Mesh</c>.</param>
    /// <param name="options">The options to fill.</param>
    public static void Bind(IConfiguration configuration, string section, MeshOptions options)
    {
        var accepted = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.AsEnumerable(makePathsRelative: true))
        {
            if (value is null)
            {
                continue;
            }

            var full = $"{section}:{key}";
            if (Find(key) is not { } known)
            {
                options.ConfigurationWarnings.Add(Suggest(section, key));
                continue;
            }

            if (Convert(value, known.ValueType) is { } problem)
            {
                options.ConfigurationErrors.Add($"{full}: {problem}.");
                continue;
            }

            accepted[key] = Normalize(value, known.ValueType);
        }

        new ConfigurationBuilder().AddInMemoryCollection(accepted).Build().Bind(options);
    }

    private static KnownKey? Find(string key)
    {
        foreach (var known in Schema.Value)
        {
            if (string.Equals(known.Path, key, StringComparison.OrdinalIgnoreCase)
                || (known.Open && key.StartsWith(known.Path + ":", StringComparison.OrdinalIgnoreCase)))
            {
                return known;
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="value"/> is not a <paramref name="type"/>, or <see langword="null"/> when it is.</summary>
    private static string? Convert(string value, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var text = value.Trim();
        if (text.Length == 0 || type == typeof(string))
        {
            return null;
        }

        if (type.IsEnum)
        {
            return Enum.GetNames(type).Any(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) || int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                ? null
                : $"'{value}' is not one of {string.Join(", ", Enum.GetNames(type))}";
        }

        if (type == typeof(TimeSpan))
        {
            return DurationText.TryParse(text, out _) ? null : $"'{value}' is not a time span: write 00:00:10, 10s, 500ms or 2m";
        }

        if (type == typeof(int))
        {
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : $"'{value}' is not a whole number";
        }

        if (type == typeof(double))
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : $"'{value}' is not a number";
        }

        if (type == typeof(bool))
        {
            return bool.TryParse(text, out _) ? null : $"'{value}' is not true or false";
        }

        return null;
    }

    private static string Normalize(string value, Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) == typeof(TimeSpan) && value.Trim().Length > 0 && DurationText.TryParse(value, out var span)
            ? span.ToString("c", CultureInfo.InvariantCulture)
            : value;

    private static string Suggest(string section, string key)
    {
        string? nearest = null;
        var best = int.MaxValue;
        foreach (var known in Schema.Value)
        {
            var distance = Distance(key.ToUpperInvariant(), known.Path.ToUpperInvariant());
            if (distance < best)
            {
                best = distance;
                nearest = known.Path;
            }
        }

        var text = $"{section}:{key} is not a MeshClient option";
        return nearest is not null && best <= Math.Max(2, key.Length / 4)
            ? $"{text}; did you mean {section}:{nearest}?"
            : $"{text}.";
    }

    /// <summary>The Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static void AddProperties(List<KnownKey> keys, Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var path = prefix + property.Name;
            var propertyType = property.PropertyType;
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                keys.Add(new KnownKey(path, propertyType.GetGenericArguments()[1], Open: true));
            }
            else if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(List<>))
            {
                keys.Add(new KnownKey(path, propertyType.GetGenericArguments()[0], Open: true));
            }
            else if (propertyType.IsClass && propertyType != typeof(string) && propertyType.Namespace?.StartsWith("MeshClient", StringComparison.Ordinal) == true)
            {
                AddProperties(keys, propertyType, path + ":");
            }
            else if (property.CanWrite)
            {
                keys.Add(new KnownKey(path, propertyType, Open: false));
            }
        }
    }

    private sealed record KnownKey(string Path, Type ValueType, bool Open);
}
