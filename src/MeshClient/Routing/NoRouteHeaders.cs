namespace MeshClient.Routing;

/// <summary>A request without headers.</summary>
internal readonly struct NoRouteHeaders : IRouteHeaders
{
    /// <inheritdoc />
    public bool TryGetValue(string name, out ReadOnlySpan<char> value)
    {
        value = default;
        return false;
    }
}
