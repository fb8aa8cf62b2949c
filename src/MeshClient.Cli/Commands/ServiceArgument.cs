using System.Globalization;

namespace MeshClient.Cli.Commands;

/// <summary>A <c>--service</c> value: <c>NAME</c> or <c>NAME:PORT</c>, where NAME is a short name, <c>name.namespace</c> or a host.</summary>
/// <param name="Name">The name without the port.</param>
/// <param name="Port">The port, or <see langword="null"/> for any (or the only) port.</param>
internal sealed record ServiceArgument(string Name, int? Port)
{
    /// <summary>Parses <c>NAME[:PORT]</c>.</summary>
    /// <exception cref="UsageException">An empty name or a port outside 1 to 65535.</exception>
    public static ServiceArgument Parse(string text)
    {
        var name = text;
        int? port = null;
        var colon = text.LastIndexOf(':');
        if (colon >= 0)
        {
            var portText = text[(colon + 1)..];
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                throw new UsageException($"option '--service' takes NAME or NAME:PORT with a port from 1 to 65535, not '{text}'");
            }

            port = number;
            name = text[..colon];
        }

        return name.Length == 0 || name.Contains('|', StringComparison.Ordinal) || name.Any(char.IsWhiteSpace)
            ? throw new UsageException($"option '--service' must name a service (reviews, reviews.default or its host), not '{text}'")
            : new ServiceArgument(name, port);
    }

    /// <inheritdoc />
    public override string ToString() => Port is { } port ? string.Create(CultureInfo.InvariantCulture, $"{Name}:{port}") : Name;
}
