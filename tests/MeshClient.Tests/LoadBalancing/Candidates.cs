using MeshClient.LoadBalancing;
using MeshClient.Registry;

namespace MeshClient.Tests.LoadBalancing;

/// <summary>Builds selector candidates straight from endpoints.</summary>
internal static class Candidates
{
    public static EndpointCandidate[] Of(params MeshEndpoint[] endpoints) => WithWindow(TimeSpan.FromSeconds(30), endpoints);

    /// <summary>Candidates whose response-time window is <paramref name="window"/> (timestamps in ticks, as FakeTimeProvider's).</summary>
    public static EndpointCandidate[] WithWindow(TimeSpan window, params MeshEndpoint[] endpoints) =>
        endpoints.Select(e => new EndpointCandidate(e, e.Labels, new EndpointStatistics(new EndpointAddress(e.Address, e.Port), window.Ticks))).ToArray();

    public static EndpointCandidate[] Plain(int count) =>
        Of(Enumerable.Range(1, count).Select(i => new MeshEndpoint($"10.3.0.{i}", 8080)).ToArray());

    public static Dictionary<string, int> Count(EndpointSelector selector, int calls) =>
        Enumerable.Range(0, calls)
            .Select(_ => selector.Select(default).Endpoint.Address)
            .GroupBy(a => a)
            .ToDictionary(g => g.Key, g => g.Count());
}
