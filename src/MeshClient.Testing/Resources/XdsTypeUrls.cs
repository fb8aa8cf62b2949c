namespace MeshClient.Testing.Resources;

/// <summary>The type URLs FakePilot knows, and which xDS API version and resource kind each belongs to.</summary>
internal static class XdsTypeUrls
{
    public const string ClusterV2 = "type.googleapis.com/envoy.api.v2.Cluster";
    public const string ClusterV3 = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    public const string EndpointsV2 = "type.googleapis.com/envoy.api.v2.ClusterLoadAssignment";
    public const string EndpointsV3 = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

    public const string UpstreamTlsContextV2 = "type.googleapis.com/envoy.api.v2.auth.UpstreamTlsContext";
    public const string UpstreamTlsContextV3 = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
    public const string RawBufferV3 = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";
    public const string RawBufferV2 = "type.googleapis.com/envoy.config.transport_socket.raw_buffer.v2.RawBuffer";

    /// <summary>Whether <paramref name="typeUrl"/> is CDS (v2 or v3): a wildcard type whose responses hold every cluster.</summary>
    public static bool IsCluster(string typeUrl) => typeUrl is ClusterV2 or ClusterV3;

    /// <summary>Whether <paramref name="typeUrl"/> is EDS (v2 or v3): resources are subscribed by name.</summary>
    public static bool IsEndpoints(string typeUrl) => typeUrl is EndpointsV2 or EndpointsV3;

    /// <summary>Whether <paramref name="typeUrl"/> is one of the v2 type URLs.</summary>
    public static bool IsV2(string typeUrl) => typeUrl is ClusterV2 or EndpointsV2;
}
