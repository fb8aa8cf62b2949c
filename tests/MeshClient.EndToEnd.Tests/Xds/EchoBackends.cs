using MeshClient.EndToEnd.Tests.Http;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>The <see cref="EchoBackend"/> pods of a test, all stopped when it is disposed.</summary>
internal sealed class EchoBackends : IAsyncDisposable
{
    private readonly List<EchoBackend> _all = [];

    public IReadOnlyList<EchoBackend> All => _all;

    /// <summary>Starts <paramref name="count"/> backends named <c>SERVICE-1</c> to <c>SERVICE-COUNT</c>, each on its own port.</summary>
    public async Task<IReadOnlyList<EchoBackend>> StartAsync(string service, int count)
    {
        var started = new List<EchoBackend>(count);
        for (var i = 1; i <= count; i++)
        {
            var backend = await EchoBackend.StartAsync($"{service}-{i}");
            _all.Add(backend);
            started.Add(backend);
        }

        return started;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in _all)
        {
            await backend.DisposeAsync();
        }
    }
}
