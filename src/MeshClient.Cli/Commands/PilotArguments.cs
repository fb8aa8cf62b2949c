using System.Globalization;

namespace MeshClient.Cli.Commands;

/// <summary>
/// Reads the options that say how to reach Pilot: <c>--pilot</c>, <c>--xds</c>, <c>--namespace</c>, <c>--timeout</c>,
/// <c>--settle</c>, and the TLS and token files (<see cref="PilotSecurity"/>).
/// </summary>
internal static class PilotArguments
{
    /// <summary>The default of <c>--timeout</c>, in seconds.</summary>
    public const double DefaultTimeoutSeconds = 10;

    /// <summary>The default of <c>--namespace</c>.</summary>
    public const string DefaultNamespace = "default";

    /// <summary>Builds the request from <c>--pilot</c> (required), <c>--xds</c>, <c>--namespace</c>, <c>--timeout</c> and <c>--settle</c>.</summary>
    /// <exception cref="UsageException">An option is missing or malformed.</exception>
    public static EndpointsRequest Read(CommandArguments arguments)
    {
        var pilot = ParseAddress(arguments.Required("pilot"));
        var version = ParseXdsVersion(arguments.Value("xds"));
        var timeout = arguments.Seconds("timeout", DefaultTimeoutSeconds);
        if (timeout <= 0)
        {
            throw new UsageException("option '--timeout' must be above 0 seconds");
        }

        var settle = arguments.Seconds("settle", 0);
        var security = PilotSecurity.Read(arguments, pilot);
        return new EndpointsRequest(pilot, version, Namespace(arguments), TimeSpan.FromSeconds(timeout), TimeSpan.FromSeconds(settle), security);
    }

    /// <summary>Reads <c>--namespace</c>: a Kubernetes namespace name, <c>default</c> when absent.</summary>
    /// <exception cref="UsageException">The value is not a Kubernetes namespace name.</exception>
    public static string Namespace(CommandArguments arguments)
    {
        var value = arguments.Value("namespace") ?? DefaultNamespace;
        return IsDnsLabel(value)
            ? value
            : throw new UsageException($"option '--namespace' must be a Kubernetes namespace name (lower-case letters, digits and '-', at most 63), not '{value}'");
    }

    /// <summary>
    /// Parses a Pilot address: <c>grpc://host:port</c>, <c>http://host:port</c>, <c>https://host[:port]</c>, or a bare
    /// <c>host:port</c>, taken as <c>grpc://host:port</c>; or <c>unix:///path</c>, a Unix domain socket.
    /// </summary>
    /// <exception cref="UsageException">The address has another scheme, no host, or (for plaintext) no port.</exception>
    public static Uri ParseAddress(string text)
    {
        if (text.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            return Uri.TryCreate(text, UriKind.Absolute, out var socket) && socket.Host.Length == 0 && socket.AbsolutePath.Length > 1 && socket.Query.Length == 0
                ? socket
                : throw new UsageException($"option '--pilot' must be a Unix socket address such as unix:///etc/istio/proxy/XDS, not '{text}'");
        }

        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "grpc://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new UsageException($"option '--pilot' must be an address such as grpc://istiod.istio-system:15010, not '{text}'");
        }

        if (uri.Scheme is not ("grpc" or "http" or "https"))
        {
            throw new UsageException($"option '--pilot' must use grpc://, http://, https:// or unix://, not '{uri.Scheme}://'");
        }

        if (uri.Scheme != "https" && (uri.Port <= 0 || !HasExplicitPort(text)))
        {
            throw new UsageException($"option '--pilot' needs a port for a plaintext address (Pilot's is 15010), as in grpc://{uri.Host}:15010");
        }

        if (uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0)
        {
            throw new UsageException($"option '--pilot' takes scheme, host and port only, not '{text}'");
        }

        return uri;
    }

    /// <summary>Parses <c>--xds</c>: <c>v2</c> or <c>v3</c> (the default when absent).</summary>
    /// <exception cref="UsageException">Another value.</exception>
    public static XdsApiVersion ParseXdsVersion(string? text) => text?.ToUpperInvariant() switch
    {
        null or "V3" => XdsApiVersion.V3,
        "V2" => XdsApiVersion.V2,
        _ => throw new UsageException($"option '--xds' must be v2 or v3, not '{text}'"),
    };

    /// <summary>Formats a number of seconds for messages: <c>10 s</c>, <c>0.5 s</c>.</summary>
    public static string FormatSeconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static bool HasExplicitPort(string text)
    {
        var authority = text.Contains("://", StringComparison.Ordinal) ? text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..] : text;
        var slash = authority.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            authority = authority[..slash];
        }

        var bracket = authority.LastIndexOf(']');
        var colon = authority.LastIndexOf(':');
        return colon > bracket && colon < authority.Length - 1;
    }

    private static bool IsDnsLabel(string value)
    {
        if (value.Length is 0 or > 63 || value[0] == '-' || value[^1] == '-')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
