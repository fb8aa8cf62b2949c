using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Reflection;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Xds.Protos.Core;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// How this process identifies itself to Pilot: an Istio sidecar node id
/// <c>sidecar~IP~POD.NAMESPACE~NAMESPACE.DNSDOMAIN</c> and node metadata (ISTIO_VERSION, NAME, NAMESPACE,
/// INSTANCE_IPS, CLUSTER_ID, LABELS).
/// </summary>
internal sealed class NodeIdentity
{
    /// <summary>The user agent name sent in the node.</summary>
    public const string UserAgentName = "meshclient-dotnet";

    /// <summary>The namespace used when neither the options nor the environment name one.</summary>
    public const string DefaultNamespace = "default";

    private const string FallbackIp = "127.0.0.1";

    private NodeIdentity(string podName, string podNamespace, string instanceIp, string dnsDomain, Node node)
    {
        PodName = podName;
        PodNamespace = podNamespace;
        InstanceIp = instanceIp;
        DnsDomain = dnsDomain;
        Node = node;
    }

    /// <summary>The pod name.</summary>
    public string PodName { get; }

    /// <summary>The pod's namespace; also the namespace of bare service names in lookups.</summary>
    public string PodNamespace { get; }

    /// <summary>The pod's IP address.</summary>
    public string InstanceIp { get; }

    /// <summary>The cluster DNS domain.</summary>
    public string DnsDomain { get; }

    /// <summary>The node id, <c>sidecar~IP~POD.NAMESPACE~NAMESPACE.DNSDOMAIN</c>.</summary>
    public string NodeId => Node.Id;

    /// <summary>The node sent in the first request of each stream. Do not modify.</summary>
    public Node Node { get; }

    /// <summary>
    /// Resolves the identity: each part from the options, else from the environment (POD_NAME, POD_NAMESPACE,
    /// INSTANCE_IP), else a default (host name, <c>default</c>, first non-loopback IPv4 address, then 127.0.0.1).
    /// Missing or failing lookups never throw.
    /// </summary>
    /// <param name="options">The options; assumed valid.</param>
    /// <param name="getEnvironmentVariable">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> by default.</param>
    /// <param name="getHostName">Returns the host name; <see cref="Environment.MachineName"/> by default.</param>
    /// <param name="getLocalAddresses">Lists this machine's addresses; the addresses of the network interfaces that are up by default.</param>
    /// <returns>The identity.</returns>
    public static NodeIdentity Resolve(
        XdsClientOptions options,
        Func<string, string?>? getEnvironmentVariable = null,
        Func<string>? getHostName = null,
        Func<IEnumerable<IPAddress>>? getLocalAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        getHostName ??= () => Environment.MachineName;
        getLocalAddresses ??= GetInterfaceAddresses;

        var podName = options.PodName ?? NonEmpty(() => getEnvironmentVariable("POD_NAME")) ?? NonEmpty(getHostName) ?? "localhost";
        var podNamespace = options.PodNamespace ?? NonEmpty(() => getEnvironmentVariable("POD_NAMESPACE")) ?? DefaultNamespace;
        var instanceIp = options.InstanceIp ?? NonEmpty(() => getEnvironmentVariable("INSTANCE_IP")) ?? FirstNonLoopbackIPv4(getLocalAddresses) ?? FallbackIp;
        var dnsDomain = options.DnsDomain;

        var labels = new Struct();
        foreach (var (key, value) in options.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            labels.Fields[key] = Value.ForString(value);
        }

        var metadata = new Struct();
        metadata.Fields["ISTIO_VERSION"] = Value.ForString(options.IstioVersion);
        metadata.Fields["NAME"] = Value.ForString(podName);
        metadata.Fields["NAMESPACE"] = Value.ForString(podNamespace);
        metadata.Fields["INSTANCE_IPS"] = Value.ForString(instanceIp);
        metadata.Fields["CLUSTER_ID"] = Value.ForString(options.ClusterId);
        metadata.Fields["LABELS"] = Value.ForStruct(labels);

        var app = options.Labels.TryGetValue("app", out var appLabel) && !string.IsNullOrEmpty(appLabel) ? appLabel : podName;
        var node = new Node
        {
            Id = $"sidecar~{instanceIp}~{podName}.{podNamespace}~{podNamespace}.{dnsDomain}",
            Cluster = $"{app}.{podNamespace}",
            Metadata = metadata,
            UserAgentName = UserAgentName,
            UserAgentVersion = typeof(NodeIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0",
        };
        if (ResolveLocality(options) is { } locality)
        {
            node.Locality = locality;
        }

        return new NodeIdentity(podName, podNamespace, instanceIp, dnsDomain, node);
    }

    /// <summary>The options' region, zone and sub-zone; else the Istio locality label, <c>region.zone.subzone</c> (or with <c>/</c>).</summary>
    private static Locality? ResolveLocality(XdsClientOptions options)
    {
        if (options.Region is not null || options.Zone is not null || options.SubZone is not null)
        {
            return new Locality { Region = options.Region ?? string.Empty, Zone = options.Zone ?? string.Empty, SubZone = options.SubZone ?? string.Empty };
        }

        foreach (var label in (string[])["topology.istio.io/locality", "istio-locality"])
        {
            if (options.Labels.TryGetValue(label, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                var parts = value.Trim().Split(value.Contains('/', StringComparison.Ordinal) ? '/' : '.');
                return new Locality
                {
                    Region = parts[0],
                    Zone = parts.Length > 1 ? parts[1] : string.Empty,
                    SubZone = parts.Length > 2 ? parts[2] : string.Empty,
                };
            }
        }

        return null;
    }

    private static string? NonEmpty(Func<string?> read)
    {
        try
        {
            var value = read();
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }
        catch (Exception ex) when (ex is System.Security.SecurityException or InvalidOperationException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    private static string? FirstNonLoopbackIPv4(Func<IEnumerable<IPAddress>> getLocalAddresses)
    {
        try
        {
            return getLocalAddresses()
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
                ?.ToString();
        }
        catch (Exception ex) when (ex is NetworkInformationException or SocketException or PlatformNotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    private static IEnumerable<IPAddress> GetInterfaceAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address);
}
