using System.Collections.Concurrent;
using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// On-demand EDS: the clusters of the services the app has used, each with when it was last used and whether its
/// endpoints have arrived. The router reports uses from any thread (<see cref="OnServiceUsed"/>), the HTTP handler
/// waits for a service's first endpoints (<see cref="WhenEndpointsKnown"/>, bounded); the ADS stream loop
/// reads the demanded set, settles arrivals and takes the idle clusters. A use of a new service and the periodic idle
/// sweep (every idle timeout, on the <see cref="TimeProvider"/>) call <see cref="Changed"/>.
/// </summary>
internal sealed class OnDemandEndpoints : IServiceDemand, IDisposable
{
    private readonly ConcurrentDictionary<string, Demand> _clusters = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _firstWait;
    private readonly ITimer _sweep;
    private Action? _changed;

    /// <param name="time">The clock of last uses, the idle sweep and the first wait.</param>
    /// <param name="idleTimeout">How long a cluster may go unused before it is taken by <see cref="TakeIdle"/>.</param>
    /// <param name="firstWait">How long the first use of a service waits for its endpoints at most.</param>
    public OnDemandEndpoints(TimeProvider time, TimeSpan idleTimeout, TimeSpan firstWait)
    {
        _time = time;
        IdleTimeout = idleTimeout;
        _firstWait = firstWait;
        _sweep = time.CreateTimer(_ => Volatile.Read(ref _changed)?.Invoke(), null, idleTimeout, idleTimeout);
    }

    /// <summary>How long a cluster may go unused before it is unsubscribed.</summary>
    public TimeSpan IdleTimeout { get; }

    /// <summary>Called, on any thread, when a new service was used or the idle sweep is due.</summary>
    public Action? Changed
    {
        get => Volatile.Read(ref _changed);
        set => Volatile.Write(ref _changed, value);
    }

    /// <summary>The names of the demanded clusters.</summary>
    public ICollection<string> Clusters => _clusters.Keys;

    /// <inheritdoc />
    public void OnServiceUsed(MeshService service)
    {
        var now = _time.GetTimestamp();
        var added = false;
        if (service.AllEndpoints is { } all)
        {
            added |= Touch(all.Name, now);
        }

        foreach (var subset in service.Subsets.Values)
        {
            added |= Touch(subset.Name, now);
        }

        if (added)
        {
            Changed?.Invoke();
        }
    }

    /// <inheritdoc />
    public Task WhenEndpointsKnown(MeshService service)
    {
        List<Task>? pending = null;
        if (service.AllEndpoints is { } all)
        {
            AddPending(all.Name, ref pending);
        }

        foreach (var subset in service.Subsets.Values)
        {
            AddPending(subset.Name, ref pending);
        }

        return pending is null ? Task.CompletedTask : WaitBoundedAsync(pending.Count == 1 ? pending[0] : Task.WhenAll(pending));
    }

    /// <summary>Whether <paramref name="clusterName"/> is demanded.</summary>
    public bool IsDemanded(string clusterName) => _clusters.ContainsKey(clusterName);

    /// <summary>Marks the endpoints of <paramref name="clusterName"/> as arrived (or given up on): its waiters go on.</summary>
    public void Settle(string clusterName)
    {
        if (_clusters.TryGetValue(clusterName, out var demand))
        {
            demand.Arrived.TrySetResult();
        }
    }

    /// <summary>Removes and returns the clusters unused for at least the idle timeout.</summary>
    public List<string> TakeIdle()
    {
        var idle = new List<string>();
        foreach (var (name, demand) in _clusters)
        {
            if (_time.GetElapsedTime(Volatile.Read(ref demand.LastUsed)) >= IdleTimeout && _clusters.TryRemove(new KeyValuePair<string, Demand>(name, demand)))
            {
                demand.Arrived.TrySetResult();
                idle.Add(name);
            }
        }

        return idle;
    }

    /// <summary>Stops the idle sweep.</summary>
    public void Dispose() => _sweep.Dispose();

    /// <summary>Marks a cluster used now; returns whether it was not demanded before.</summary>
    private bool Touch(string clusterName, long now)
    {
        if (_clusters.TryGetValue(clusterName, out var demand))
        {
            Volatile.Write(ref demand.LastUsed, now);
            return false;
        }

        var created = new Demand(now);
        demand = _clusters.GetOrAdd(clusterName, created);
        Volatile.Write(ref demand.LastUsed, now);
        return ReferenceEquals(demand, created);
    }

    private void AddPending(string clusterName, ref List<Task>? pending)
    {
        if (_clusters.TryGetValue(clusterName, out var demand) && !demand.Arrived.Task.IsCompleted)
        {
            (pending ??= []).Add(demand.Arrived.Task);
        }
    }

    private async Task WaitBoundedAsync(Task arrival)
    {
        try
        {
            await arrival.WaitAsync(_firstWait, _time);
        }
        catch (TimeoutException)
        {
            // The wait is bounded: the call goes on with what the registry has (the does-not-exist rule reports the rest).
        }
    }

    private sealed class Demand(long lastUsed)
    {
        public long LastUsed = lastUsed;

        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
