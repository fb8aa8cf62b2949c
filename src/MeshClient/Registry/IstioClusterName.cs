using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MeshClient.Registry;

/// <summary>
/// The parts of an Istio cluster name, <c>direction|port|subset|fqdn</c>:
/// <c>outbound|9080|v1|reviews.default.svc.cluster.local</c> is service <c>reviews</c> in namespace
/// <c>default</c>, port 9080, subset <c>v1</c>.
/// </summary>
internal sealed record IstioClusterName
{
    private const string Outbound = "outbound";

    private IstioClusterName(string direction, int port, string subset, string host, string service, string? @namespace)
    {
        Direction = direction;
        Port = port;
        Subset = subset;
        Host = host;
        Service = service;
        Namespace = @namespace;
    }

    /// <summary>The traffic direction: <c>outbound</c>, <c>inbound</c> or another word Istio uses.</summary>
    public string Direction { get; }

    /// <summary>The service port.</summary>
    public int Port { get; }

    /// <summary>The subset name; empty for the cluster that holds all of the service's endpoints.</summary>
    public string Subset { get; }

    /// <summary>The host as written in the cluster name, such as <c>reviews.default.svc.cluster.local</c>.</summary>
    public string Host { get; }

    /// <summary>The service's short name, the host's first label (<c>reviews</c>).</summary>
    public string Service { get; }

    /// <summary>The namespace, the host's second label when the host is a Kubernetes service name; otherwise <see langword="null"/>.</summary>
    public string? Namespace { get; }

    /// <summary>Parses an Istio-shaped cluster name.</summary>
    /// <param name="clusterName">The cluster name.</param>
    /// <param name="name">The parts, when the name is Istio-shaped.</param>
    /// <returns><see langword="true"/> when the name has four <c>|</c>-separated parts, a port from 1 to 65535 and a host.</returns>
    public static bool TryParse(string? clusterName, [NotNullWhen(true)] out IstioClusterName? name)
    {
        name = null;
        if (string.IsNullOrEmpty(clusterName))
        {
            return false;
        }

        var parts = clusterName.Split('|');
        if (parts.Length != 4 || parts[0].Length == 0 || parts[3].Length == 0)
        {
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = parts[3];
        var labels = host.Split('.');
        var service = labels[0];
        if (service.Length == 0)
        {
            return false;
        }

        // reviews.default.svc.cluster.local, reviews.default.svc, reviews.default: the second label is the namespace.
        string? ns = labels.Length >= 3 && labels[2] == "svc" ? labels[1] : null;
        // Every outbound cluster shares one direction string.
        var direction = parts[0] == Outbound ? Outbound : parts[0];
        name = new IstioClusterName(direction, port, parts[2], host, service, ns);
        return true;
    }
}
