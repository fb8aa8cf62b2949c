namespace MeshClient.Routing;

/// <summary>A request without headers.</summary>
public readonly struct NoRouteHeaders : IRouteHeaders
{
    /// <inheritdoc />
    public bool TryGetValue(string name, out ReadOnlySpan<char> value)
    {
        value = default;
        return false;
    }
}
