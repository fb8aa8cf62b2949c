using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;

namespace MeshClient.Testing.Resources;

/// <summary>The resources of one response: the packed resources and their names.</summary>
internal sealed record ServedResources(IReadOnlyList<Any> Resources, ImmutableArray<string> Names);
