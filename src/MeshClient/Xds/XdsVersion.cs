namespace MeshClient.Xds;

/// <summary>
/// The xDS API version spoken with Pilot. Both versions use the same messages on the wire; only the ADS method path
/// and the resource type URLs differ.
/// </summary>
public enum XdsVersion
{
    /// <summary>xDS v2 (<c>envoy.service.discovery.v2</c>, <c>envoy.api.v2.Cluster</c>): Pilot 1.0 to 1.7.</summary>
    V2 = 2,

    /// <summary>
    /// xDS v3 (<c>envoy.service.discovery.v3</c>, <c>envoy.config.cluster.v3.Cluster</c>): istiod 1.8 and later. The default.
    /// </summary>
    V3 = 3,
}
