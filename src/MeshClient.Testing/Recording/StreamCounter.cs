using System.Globalization;

namespace MeshClient.Testing.Recording;

/// <summary>Counts the connected streams and lets tests wait for a count.</summary>
internal sealed class StreamCounter
{
    private readonly object _gate = new();
    private readonly List<(int Count, TaskCompletionSource Completion)> _waiters = [];
    private int _count;

    /// <summary>The number of connected streams.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Adds <paramref name="delta"/> (1 or -1) and wakes the waiters for the new count.</summary>
    /// <param name="delta">The change.</param>
    public void Change(int delta)
    {
        List<TaskCompletionSource> ready = [];
        lock (_gate)
        {
            _count += delta;
            foreach (var waiter in _waiters.Where(w => w.Count == _count))
            {
                ready.Add(waiter.Completion);
            }
        }

        foreach (var completion in ready)
        {
            completion.TrySetResult();
        }
    }

    /// <summary>Waits until the count equals <paramref name="count"/> (at once when it does).</summary>
    /// <param name="count">The count to wait for.</param>
    /// <param name="timeout">How long to wait, in real time.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="TimeoutException">The count did not reach the value in time.</exception>
    public async Task WaitAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var entry = (count, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            if (_count == count)
            {
                return;
            }

            _waiters.Add(entry);
        }

        try
        {
            await entry.Item2.Task.WaitAsync(timeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(
                string.Create(CultureInfo.InvariantCulture, $"The connected stream count did not become {count} within {timeout.TotalSeconds:0.###} s; it is {Count}."),
                ex);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(entry);
            }
        }
    }
}
