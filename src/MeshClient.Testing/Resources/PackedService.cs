using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;

namespace MeshClient.Testing.Resources;

/// <summary>
/// One service's packed resources of one type URL, for the service object and mTLS settings they were made from (see
/// <see cref="ResourceStore"/>).
/// </summary>
internal sealed class PackedService(FakeService service, FakePeerTls? tls, Dictionary<string, Any>? assignments)
{
    public FakeService Service { get; } = service;

    public FakePeerTls? Tls { get; } = tls;

    /// <summary>Its clusters (CDS), once packed.</summary>
    public (ImmutableArray<Any> Resources, ImmutableArray<string> Names)? Clusters { get; set; }

    /// <summary>Its load assignments (EDS) packed so far, by cluster name; they do not depend on <see cref="Tls"/>.</summary>
    public Dictionary<string, Any> Assignments { get; } = assignments ?? new(StringComparer.Ordinal);
}
