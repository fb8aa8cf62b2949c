using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Endpoint;
using XdsCluster = MeshClient.Xds.Protos.Cluster.Cluster;
using XdsCircuitBreakers = MeshClient.Xds.Protos.Cluster.CircuitBreakers;

namespace MeshClient.Testing.Resources;

/// <summary>
/// Builds the resources istiod sends to a sidecar for a service: EDS clusters shaped like Istio's (circuit breakers,
/// transport socket matches, <c>istio</c> metadata) and ClusterLoadAssignments whose endpoints carry their labels in
/// <c>filter_metadata["istio"].labels</c>.
/// </summary>
internal static class IstioResourceBuilder
{
    private const uint Unlimited = uint.MaxValue;

    /// <summary>Packs <paramref name="message"/> into an Any with <paramref name="typeUrl"/>, whatever its own type.</summary>
    public static Any Pack(IMessage message, string typeUrl) => new() { TypeUrl = typeUrl, Value = message.ToByteString() };

    /// <summary>Builds an EDS cluster named <paramref name="clusterName"/> for <paramref name="service"/>.</summary>
    /// <param name="service">The service.</param>
    /// <param name="clusterName">The cluster name, which is also the EDS service name.</param>
    /// <param name="subset">The subset name, or empty.</param>
    /// <param name="v2">Whether the client speaks v2 (nested type URLs and the config source's API version follow).</param>
    /// <param name="tls">The mTLS settings; <see langword="null"/> sends an empty UpstreamTlsContext in the <c>tlsMode: istio</c> match.</param>
    public static XdsCluster BuildCluster(FakeService service, string clusterName, string subset, bool v2, FakePeerTls? tls = null)
    {
        var cluster = new XdsCluster
        {
            Name = clusterName,
            Type = XdsCluster.Types.DiscoveryType.Eds,
            EdsClusterConfig = new XdsCluster.Types.EdsClusterConfig
            {
                EdsConfig = new ConfigSource
                {
                    Ads = new AggregatedConfigSource(),
                    ResourceApiVersion = v2 ? ApiVersion.Auto : ApiVersion.V3,
                },
                ServiceName = clusterName,
            },
            ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)),
            LbPolicy = ToLbPolicy(service.LoadBalancerPolicy),
            CircuitBreakers = new XdsCircuitBreakers
            {
                Thresholds =
                {
                    new XdsCircuitBreakers.Types.Thresholds
                    {
                        MaxConnections = Unlimited,
                        MaxPendingRequests = Unlimited,
                        MaxRequests = Unlimited,
                        MaxRetries = Unlimited,
                    },
                },
            },
            Metadata = new Metadata { FilterMetadata = { ["istio"] = ClusterIstioMetadata(service, subset) } },
        };
        if (service.LocalityWeighted)
        {
            cluster.CommonLbConfig = new XdsCluster.Types.CommonLbConfig
            {
                LocalityWeightedLbConfig = new XdsCluster.Types.CommonLbConfig.Types.LocalityWeightedLbConfig(),
            };
        }

        var tlsSocket = new TransportSocket
        {
            Name = "envoy.transport_sockets.tls",
            TypedConfig = tls is null
                ? new Any { TypeUrl = v2 ? XdsTypeUrls.UpstreamTlsContextV2 : XdsTypeUrls.UpstreamTlsContextV3 }
                : Pack(PeerTlsResourceBuilder.Build(tls, service, subset), v2 ? XdsTypeUrls.UpstreamTlsContextV2 : XdsTypeUrls.UpstreamTlsContextV3),
        };
        if (tls is { AllEndpoints: true })
        {
            cluster.TransportSocket = tlsSocket;
            return cluster;
        }

        cluster.TransportSocketMatches.Add(new XdsCluster.Types.TransportSocketMatch
        {
            Name = "tlsMode-istio",
            Match = StringStruct(new Dictionary<string, string> { ["tlsMode"] = "istio" }),
            TransportSocket = tlsSocket,
        });
        cluster.TransportSocketMatches.Add(new XdsCluster.Types.TransportSocketMatch
        {
            Name = "tlsMode-disabled",
            Match = new Struct(),
            TransportSocket = new TransportSocket
            {
                Name = "envoy.transport_sockets.raw_buffer",
                TypedConfig = new Any { TypeUrl = v2 ? XdsTypeUrls.RawBufferV2 : XdsTypeUrls.RawBufferV3 },
            },
        });
        return cluster;
    }

    /// <summary>
    /// Builds the ClusterLoadAssignment of a cluster: endpoints grouped by locality and priority (in first-seen order),
    /// each locality weighted by its endpoints' <see cref="FakeEndpoint.LocalityWeight"/> (the largest), or when none
    /// sets one by the sum of its endpoints' weights.
    /// </summary>
    public static ClusterLoadAssignment BuildLoadAssignment(string clusterName, IEnumerable<FakeEndpoint> endpoints)
    {
        var assignment = new ClusterLoadAssignment { ClusterName = clusterName };
        foreach (var group in endpoints.GroupBy(e => (e.Locality, e.Priority)))
        {
            var locality = new LocalityLbEndpoints
            {
                Locality = new Locality { Region = group.Key.Locality.Region, Zone = group.Key.Locality.Zone, SubZone = group.Key.Locality.SubZone },
                Priority = group.Key.Priority,
            };
            uint weight = 0;
            uint explicitWeight = 0;
            foreach (var endpoint in group)
            {
                locality.LbEndpoints.Add(BuildLbEndpoint(endpoint));
                weight += endpoint.Weight == 0 ? 1 : endpoint.Weight;
                explicitWeight = Math.Max(explicitWeight, endpoint.LocalityWeight);
            }

            locality.LoadBalancingWeight = explicitWeight == 0 ? weight : explicitWeight;
            assignment.Endpoints.Add(locality);
        }

        return assignment;
    }

    /// <summary>Reads the name (field 1 of both Cluster and ClusterLoadAssignment) of a packed resource, or empty.</summary>
    public static string ReadName(Any resource)
    {
        try
        {
            return XdsCluster.Parser.ParseFrom(resource.Value).Name;
        }
        catch (InvalidProtocolBufferException)
        {
            return string.Empty;
        }
    }

    private static LbEndpoint BuildLbEndpoint(FakeEndpoint endpoint)
    {
        var istio = new Struct();
        istio.Fields["labels"] = Value.ForStruct(StringStruct(endpoint.Labels));
        var lbEndpoint = new LbEndpoint
        {
            Endpoint = new Xds.Protos.Endpoint.Endpoint
            {
                Address = new Address { SocketAddress = new SocketAddress { Address = endpoint.Address, PortValue = (uint)endpoint.Port } },
            },
            HealthStatus = (HealthStatus)(int)endpoint.Health,
            Metadata = new Metadata { FilterMetadata = { ["istio"] = istio } },
        };
        if (endpoint.TlsMode is { } tlsMode)
        {
            lbEndpoint.Metadata.FilterMetadata["envoy.transport_socket_match"] = StringStruct(new Dictionary<string, string> { ["tlsMode"] = tlsMode });
        }

        if (endpoint.Weight > 0)
        {
            lbEndpoint.LoadBalancingWeight = endpoint.Weight;
        }

        return lbEndpoint;
    }

    private static Struct ClusterIstioMetadata(FakeService service, string subset)
    {
        var labels = service.Host.Split('.');
        var serviceEntry = new Struct();
        serviceEntry.Fields["host"] = Value.ForString(service.Host);
        serviceEntry.Fields["name"] = Value.ForString(labels[0]);
        if (labels.Length > 1)
        {
            serviceEntry.Fields["namespace"] = Value.ForString(labels[1]);
        }

        var istio = new Struct();
        istio.Fields["default_original_port"] = Value.ForNumber(service.Port);
        istio.Fields["services"] = Value.ForList(Value.ForStruct(serviceEntry));
        if (subset.Length > 0)
        {
            istio.Fields["subset"] = Value.ForString(subset);
        }

        return istio;
    }

    private static Struct StringStruct(IEnumerable<KeyValuePair<string, string>> values)
    {
        var result = new Struct();
        foreach (var (key, value) in values)
        {
            result.Fields[key] = Value.ForString(value);
        }

        return result;
    }

    private static XdsCluster.Types.LbPolicy ToLbPolicy(ClusterLoadBalancerPolicy policy) => policy switch
    {
        ClusterLoadBalancerPolicy.RoundRobin => XdsCluster.Types.LbPolicy.RoundRobin,
        ClusterLoadBalancerPolicy.LeastRequest => XdsCluster.Types.LbPolicy.LeastRequest,
        ClusterLoadBalancerPolicy.Random => XdsCluster.Types.LbPolicy.Random,
        _ => XdsCluster.Types.LbPolicy.RingHash,
    };
}
