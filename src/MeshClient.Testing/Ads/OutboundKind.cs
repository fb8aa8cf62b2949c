namespace MeshClient.Testing.Ads;

/// <summary>What a stream's writer is asked to send.</summary>
internal enum OutboundKind
{
    /// <summary>A response for a type with everything the stream subscribed to (CDS: all clusters).</summary>
    Subscribed,

    /// <summary>An EDS response for some of the subscribed clusters only.</summary>
    PartialEndpoints,

    /// <summary>A response with given resources, whatever the stream subscribed to.</summary>
    RawResponse,

    /// <summary>A gRPC message with given bytes, not necessarily a DiscoveryResponse.</summary>
    RawMessage,
}
