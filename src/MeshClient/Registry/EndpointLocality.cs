namespace MeshClient.Registry;

/// <summary>Where an endpoint runs: region, zone and sub-zone, as sent in EDS.</summary>
/// <param name="Region">The region, or an empty string.</param>
/// <param name="Zone">The zone, or an empty string.</param>
/// <param name="SubZone">The sub-zone, or an empty string.</param>
public sealed record EndpointLocality(string Region, string Zone, string SubZone)
{
    /// <summary>The locality with every part empty.</summary>
    public static EndpointLocality None { get; } = new(string.Empty, string.Empty, string.Empty);
}
