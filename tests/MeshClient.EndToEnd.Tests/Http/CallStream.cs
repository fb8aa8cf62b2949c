namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>
/// A stream of GET calls through an HttpClient, one after another as fast as they complete, in the background,
/// while a test breaks things (kills a backend, restarts Pilot). It records every call; tests wait for a number of
/// calls, never for a time.
/// </summary>
internal sealed class CallStream : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly string _path;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<CallResult> _results = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private readonly Task _run;

    private CallStream(HttpClient client, string path)
    {
        _client = client;
        _path = path;
        _run = Task.Run(RunAsync);
    }

    /// <summary>The number of calls completed so far.</summary>
    public int Count
    {
        get
        {
            lock (_results)
            {
                return _results.Count;
            }
        }
    }

    public static CallStream Start(HttpClient client, string path = "/") => new(client, path);

    public IReadOnlyList<CallResult> Snapshot()
    {
        lock (_results)
        {
            return [.. _results];
        }
    }

    /// <summary>Waits, bounded, until <paramref name="count"/> calls have completed in all.</summary>
    public async Task WaitForCallsAsync(int count)
    {
        TaskCompletionSource reached;
        lock (_results)
        {
            if (_results.Count >= count)
            {
                return;
            }

            reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
        }

        try
        {
            await Task.WhenAny(reached.Task, _run).Unwrap().WaitAsync(MeshScenario.Bound);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"The stream made {Count} calls, not {count}, within {MeshScenario.Bound.TotalSeconds} s.", e);
        }

        if (!reached.Task.IsCompleted)
        {
            throw new InvalidOperationException($"The call stream ended after {Count} calls, before {count}.");
        }
    }

    /// <summary>Stops after the call in flight and returns every call made.</summary>
    public async Task<IReadOnlyList<CallResult>> StopAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(MeshScenario.Bound);
        return Snapshot();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        for (var index = 0; !_stop.IsCancellationRequested; index++)
        {
            CallResult result;
            try
            {
                using var response = await _client.GetAsync(_path, _stop.Token);
                var body = await response.Content.ReadAsStringAsync(_stop.Token);
                result = new CallResult(index, body, (int)response.StatusCode, null);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                result = new CallResult(index, null, null, e.GetType().Name + ": " + e.Message);
            }

            lock (_results)
            {
                _results.Add(result);
                foreach (var waiter in _waiters.Where(w => _results.Count >= w.Count).ToList())
                {
                    waiter.Reached.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }
    }
}
