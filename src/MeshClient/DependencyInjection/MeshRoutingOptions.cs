namespace MeshClient.DependencyInjection;

/// <summary>Route rules, DestinationRules and how calls are balanced.</summary>
public sealed class MeshRoutingOptions
{
    /// <summary>The go-chassis router.yaml with the route rules; reloaded when it changes. <see langword="null"/>: no rules.</summary>
    public string? RouterFile { get; set; }

    /// <summary>Files of Istio DestinationRule manifests that give subsets their labels.</summary>
    public List<string> DestinationRuleFiles { get; set; } = [];

    /// <summary>What happens to a call whose host the mesh does not know. Default <see cref="UnknownHostBehavior.PassThrough"/>.</summary>
    public UnknownHostBehavior UnknownHost { get; set; } = UnknownHostBehavior.PassThrough;

    /// <summary>Whether the Host header keeps the logical service name when the call goes to an endpoint's address. Default <see langword="true"/>.</summary>
    public bool PreserveHostHeader { get; set; } = true;
}
