using System.Globalization;

namespace MeshClient.Grpc;

/// <summary>
/// The service an <c>xds:///</c> channel address names: <c>xds:///reviews:9080</c> is service <c>reviews</c> (in the
/// mesh's namespace; <c>reviews.shop</c> or the FQDN name another) on port 9080; without a port, the service's only port.
/// </summary>
internal sealed record XdsTarget(string Service, int? Port)
{
    /// <summary>The URI scheme of proxyless targets, as in grpc-go and grpc-java.</summary>
    public const string Scheme = "xds";

    /// <summary>Reads the target of a channel address.</summary>
    /// <param name="address">The channel's address.</param>
    /// <returns>The target.</returns>
    /// <exception cref="ArgumentException">The address is not <c>xds:///SERVICE[:PORT]</c>; the message says why.</exception>
    public static XdsTarget Parse(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!string.Equals(address.Scheme, Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The gRPC address '{address}' is not an xds:/// address.", nameof(address));
        }

        if (!string.IsNullOrEmpty(address.Authority))
        {
            throw new ArgumentException(
                $"The gRPC address '{address}' names an xDS authority ('{address.Authority}'); MeshClient has one Pilot: write xds:///SERVICE:PORT (three slashes).",
                nameof(address));
        }

        var target = Uri.UnescapeDataString(address.AbsolutePath.TrimStart('/'));
        if (target.Length == 0 || target.Contains('/', StringComparison.Ordinal) || !string.IsNullOrEmpty(address.Query))
        {
            throw new ArgumentException($"The gRPC address '{address}' names no service: write xds:///SERVICE:PORT, such as xds:///reviews:9080.", nameof(address));
        }

        var colon = target.LastIndexOf(':');
        if (colon < 0)
        {
            return new XdsTarget(target, null);
        }

        if (colon == 0
            || !int.TryParse(target.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            throw new ArgumentException($"The gRPC address '{address}' has no valid SERVICE:PORT: the port must be 1 to 65535.", nameof(address));
        }

        return new XdsTarget(target[..colon], port);
    }

    /// <inheritdoc />
    public override string ToString() =>
        Port is { } port ? string.Create(CultureInfo.InvariantCulture, $"{Service}:{port}") : Service;
}
