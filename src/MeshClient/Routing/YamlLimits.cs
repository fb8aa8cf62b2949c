namespace MeshClient.Routing;

/// <summary>
/// Bounds on a routing YAML document (router.yaml, DestinationRules), checked before it is built, so a broken or
/// hostile file is refused quickly with a load error instead of exhausting memory or the stack.
/// </summary>
internal static class YamlLimits
{
    /// <summary>The largest file or configuration text, in characters: 4 MiB, far above any real rule set.</summary>
    public const int MaxChars = 4 * 1024 * 1024;

    /// <summary>The deepest nesting of mappings and lists.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The most nodes a document may hold with every alias expanded: an exponential "billion laughs" document is
    /// refused as soon as its expansion passes this.
    /// </summary>
    public const long MaxExpandedNodes = 100_000;
}
