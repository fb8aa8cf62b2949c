namespace MeshClient.Registry;

/// <summary>
/// What an endpoint shares with the others of its locality group: the locality, the locality's weight, the priority,
/// and the endpoint's own weight (Istio sends 1 for every pod). One object for every endpoint with the same four, so
/// an endpoint holds one reference where it held four fields. Immutable, compared by value.
/// </summary>
internal sealed class EndpointPlacement : IEquatable<EndpointPlacement>
{
    public EndpointPlacement(EndpointLocality locality, uint localityWeight, uint priority, uint weight)
    {
        Locality = locality;
        LocalityWeight = localityWeight == 0 ? 1 : localityWeight;
        Priority = priority;
        Weight = weight == 0 ? 1 : weight;
    }

    /// <summary>No locality, weights 1, priority 0: what most endpoints built by hand have.</summary>
    public static EndpointPlacement Default { get; } = new(EndpointLocality.None, 1, 0, 1);

    public EndpointLocality Locality { get; }

    public uint LocalityWeight { get; }

    public uint Priority { get; }

    public uint Weight { get; }

    /// <summary>The shared <see cref="Default"/> when the parts are its parts; otherwise a new placement.</summary>
    public static EndpointPlacement Of(EndpointLocality? locality, uint localityWeight, uint priority, uint weight) =>
        (locality is null || locality == EndpointLocality.None) && localityWeight <= 1 && priority == 0 && weight <= 1
            ? Default
            : new EndpointPlacement(locality ?? EndpointLocality.None, localityWeight, priority, weight);

    public bool Equals(EndpointPlacement? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (LocalityWeight == other.LocalityWeight && Priority == other.Priority && Weight == other.Weight && Locality == other.Locality));

    public override bool Equals(object? obj) => Equals(obj as EndpointPlacement);

    public override int GetHashCode() => HashCode.Combine(Locality, LocalityWeight, Priority, Weight);
}
