using MeshClient.Registry;

namespace MeshClient.LoadBalancing;

/// <summary>A routable endpoint of a service with its merged labels and its call statistics.</summary>
/// <param name="Endpoint">The endpoint as the registry has it.</param>
/// <param name="Labels">Endpoint metadata labels merged with the labels of the DestinationRule subsets it belongs to.</param>
/// <param name="Statistics">Its call statistics.</param>
internal sealed record EndpointCandidate(MeshEndpoint Endpoint, IReadOnlyDictionary<string, string> Labels, EndpointStatistics Statistics);
