namespace MeshClient;

/// <summary>The app's own identity in the mesh.</summary>
public sealed class MeshServiceOptions
{
    /// <summary>The app's service name (go-chassis <c>service_description.name</c>); matched by route rules' <c>source</c>.</summary>
    public string? Name { get; set; }

    /// <summary>The app's own tags, such as <c>version: v1</c>; matched by route rules' <c>sourceTags</c> and sent to Pilot as node LABELS.</summary>
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
}
