using System.Globalization;
using System.Text;

namespace MeshClient.Testing.Recording;

/// <summary>
/// A thread-safe, append-only list that tests can wait on: a wait for an item matching a predicate is satisfied by an
/// item already recorded or by a later one.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class AwaitableLog<T>
    where T : class
{
    private const int ItemsShownOnTimeout = 30;
    private readonly object _gate = new();
    private readonly List<T> _items = [];
    private readonly List<Waiter> _waiters = [];
    private readonly string _itemDescription;

    /// <summary>Creates a log.</summary>
    /// <param name="itemDescription">What the items are, for timeout messages ("request", "response").</param>
    public AwaitableLog(string itemDescription)
    {
        _itemDescription = itemDescription;
    }

    /// <summary>A copy of the items in the order they were added.</summary>
    public IReadOnlyList<T> Snapshot()
    {
        lock (_gate)
        {
            return [.. _items];
        }
    }

    /// <summary>Adds an item made from its 1-based sequence number and wakes the waiters it matches.</summary>
    /// <param name="create">Makes the item from its sequence number.</param>
    /// <returns>The item.</returns>
    public T Add(Func<int, T> create)
    {
        T item;
        Waiter[] waiters;
        lock (_gate)
        {
            item = create(_items.Count + 1);
            _items.Add(item);
            waiters = [.. _waiters];
        }

        foreach (var waiter in waiters)
        {
            waiter.CatchUp(this);
        }

        return item;
    }

    /// <summary>The item at <paramref name="index"/> (0-based), if it has been added.</summary>
    private bool TryGet(int index, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T item)
    {
        lock (_gate)
        {
            item = index < _items.Count ? _items[index] : null;
            return item is not null;
        }
    }

    /// <summary>Waits for an item that matches <paramref name="predicate"/>, the earliest already recorded or the next one added.</summary>
    /// <param name="predicate">Selects the item.</param>
    /// <param name="timeout">How long to wait, in real time.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The item.</returns>
    /// <exception cref="TimeoutException">No item matched in time; the message lists the recorded items.</exception>
    public async Task<T> WaitAsync(Func<T, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var waiter = new Waiter(predicate);
        lock (_gate)
        {
            _waiters.Add(waiter);
        }

        try
        {
            waiter.CatchUp(this);
            return await waiter.Task.WaitAsync(timeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(DescribeTimeout(timeout), ex);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    private string DescribeTimeout(TimeSpan timeout)
    {
        var items = Snapshot();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"No {_itemDescription} matched within {timeout.TotalSeconds:0.###} s. Recorded {_itemDescription}s ({items.Count}):");
        foreach (var item in items.Skip(Math.Max(0, items.Count - ItemsShownOnTimeout)))
        {
            text.AppendLine().Append("  ").Append(item);
        }

        return text.ToString();
    }

    /// <summary>
    /// One wait. It examines the log's items strictly in sequence order, each once, under its own lock (never the
    /// log's, so a predicate may read any log): its result is the earliest match even while items are added from
    /// several threads, or while the wait starts.
    /// </summary>
    private sealed class Waiter(Func<T, bool> predicate)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly object _gate = new();
        private int _examined;

        public Task<T> Task => _completion.Task;

        /// <summary>Examines the items of <paramref name="log"/> not examined yet, in order, until one matches.</summary>
        public void CatchUp(AwaitableLog<T> log)
        {
            lock (_gate)
            {
                while (!_completion.Task.IsCompleted && log.TryGet(_examined, out var item))
                {
                    _examined++;
                    Offer(item);
                }
            }
        }

        private bool Offer(T item)
        {
            if (_completion.Task.IsCompleted)
            {
                return true;
            }

            bool matches;
            try
            {
                matches = predicate(item);
            }
            catch (Exception ex)
            {
                _completion.TrySetException(ex);
                return true;
            }

            return matches && _completion.TrySetResult(item);
        }
    }
}
