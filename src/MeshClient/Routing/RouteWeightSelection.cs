namespace MeshClient.Routing;

/// <summary>How a matched rule picks one of its weighted tag sets.</summary>
public enum RouteWeightSelection
{
    /// <summary>Smooth weighted round robin: any 100 consecutive calls to a 40/40/20 rule give exactly 40/40/20.</summary>
    SmoothRoundRobin = 0,

    /// <summary>Weighted random: the shares hold on average.</summary>
    Random = 1,
}
