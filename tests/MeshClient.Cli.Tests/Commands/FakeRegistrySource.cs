using MeshClient.Cli.Commands;
using MeshClient.Registry;

namespace MeshClient.Cli.Tests.Commands;

/// <summary>Stands in for Pilot: returns a fixed snapshot (or throws) and records the requests.</summary>
internal sealed class FakeRegistrySource : IRegistrySource
{
    private readonly Func<EndpointsRequest, CancellationToken, Task<RegistrySnapshot>> _load;

    public FakeRegistrySource(RegistrySnapshot snapshot)
        : this((_, _) => Task.FromResult(snapshot))
    {
    }

    public FakeRegistrySource(Func<EndpointsRequest, CancellationToken, Task<RegistrySnapshot>> load)
    {
        _load = load;
    }

    public List<EndpointsRequest> Requests { get; } = [];

    public Task<RegistrySnapshot> LoadAsync(EndpointsRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return _load(request, cancellationToken);
    }
}
