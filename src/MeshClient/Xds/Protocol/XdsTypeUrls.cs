namespace MeshClient.Xds.Protocol;

/// <summary>The ADS method paths and resource type URLs of xDS v2 and v3.</summary>
internal static class XdsTypeUrls
{
    /// <summary>The v2 ADS method path.</summary>
    public const string AdsMethodV2 = "/envoy.service.discovery.v2.AggregatedDiscoveryService/StreamAggregatedResources";

    /// <summary>The v2 cluster (CDS) type URL.</summary>
    public const string ClusterV2 = "type.googleapis.com/envoy.api.v2.Cluster";

    /// <summary>The v2 endpoint (EDS) type URL.</summary>
    public const string ClusterLoadAssignmentV2 = "type.googleapis.com/envoy.api.v2.ClusterLoadAssignment";

    /// <summary>The v3 ADS method path.</summary>
    public const string AdsMethodV3 = "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources";

    /// <summary>The v3 incremental (delta) ADS method path; delta xDS is spoken over v3 only.</summary>
    public const string DeltaAdsMethodV3 = "/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources";

    /// <summary>The v3 cluster (CDS) type URL.</summary>
    public const string ClusterV3 = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

    /// <summary>The v3 endpoint (EDS) type URL.</summary>
    public const string ClusterLoadAssignmentV3 = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

    /// <summary>The ADS method path of <paramref name="version"/>.</summary>
    public static string AdsMethod(XdsVersion version) => version == XdsVersion.V2 ? AdsMethodV2 : AdsMethodV3;

    /// <summary>The cluster (CDS) type URL of <paramref name="version"/>.</summary>
    public static string Cluster(XdsVersion version) => version == XdsVersion.V2 ? ClusterV2 : ClusterV3;

    /// <summary>The endpoint (EDS) type URL of <paramref name="version"/>.</summary>
    public static string ClusterLoadAssignment(XdsVersion version) => version == XdsVersion.V2 ? ClusterLoadAssignmentV2 : ClusterLoadAssignmentV3;
}
