namespace MeshClient;

/// <summary>How the xDS client and Pilot exchange resources (<c>Mesh:Pilot:XdsProtocol</c>).</summary>
public enum XdsProtocol
{
    /// <summary>
    /// State of the world (<c>StreamAggregatedResources</c>): every CDS response holds every cluster, every EDS response
    /// every subscribed load assignment. The default; works with every Pilot and istiod.
    /// </summary>
    StateOfTheWorld = 0,

    /// <summary>
    /// Incremental (<c>DeltaAggregatedResources</c>): responses carry only the resources that changed and the names of
    /// those removed, so a change costs what it touches, not the size of the mesh. xDS v3 only (istiod 1.8 and later).
    /// </summary>
    Delta = 1,
}
