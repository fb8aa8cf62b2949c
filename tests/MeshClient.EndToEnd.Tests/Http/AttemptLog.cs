namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>
/// Every attempt the mesh handler sent, in order, as <see cref="AttemptRecorder"/> (the handler inside the mesh
/// handler) saw it: a retry on another endpoint is a second attempt of the same call.
/// </summary>
internal sealed class AttemptLog
{
    private readonly List<Attempt> _attempts = [];

    public int Count
    {
        get
        {
            lock (_attempts)
            {
                return _attempts.Count;
            }
        }
    }

    public IReadOnlyList<Attempt> Snapshot()
    {
        lock (_attempts)
        {
            return [.. _attempts];
        }
    }

    /// <summary>The attempts after the first <paramref name="skip"/>.</summary>
    public IReadOnlyList<Attempt> Since(int skip)
    {
        lock (_attempts)
        {
            return [.. _attempts.Skip(skip)];
        }
    }

    public void Add(Attempt attempt)
    {
        lock (_attempts)
        {
            _attempts.Add(attempt);
        }
    }
}
