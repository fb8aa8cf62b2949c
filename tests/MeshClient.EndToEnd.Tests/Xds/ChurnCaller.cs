namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// A task of the app that makes GET calls through one HttpClient, one after another, recording each as a
/// <see cref="ChurnCall"/> with its ticks on the shared <see cref="OrderClock"/>. It calls without pause while it has
/// calls allowed (<see cref="Allow"/>), then waits to be allowed more: a churn lets calls run into each push without
/// the callers taking the (shared, 2-core) machine between pushes. Others wait for its progress by signal
/// (<see cref="CompletedCallStartedAfter"/>), never for a time.
/// </summary>
internal sealed class ChurnCaller
{
    private readonly HttpClient _client;
    private readonly Uri _path;
    private readonly OrderClock _clock;
    private readonly TimeSpan _bound;
    private readonly List<ChurnCall> _calls = [];
    private readonly List<(long Tick, TaskCompletionSource Reached)> _waiters = [];
    private long _lastCompletedStart;
    private bool _stopping;
    private int _budget;
    private TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _run;

    public ChurnCaller(string name, HttpClient client, string path, OrderClock clock, TimeSpan bound)
    {
        Name = name;
        _client = client;
        _path = new Uri(path, UriKind.Relative);
        _clock = clock;
        _bound = bound;
    }

    public string Name { get; }

    /// <summary>The calls made so far, in order.</summary>
    public IReadOnlyList<ChurnCall> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Starts calling, with <paramref name="calls"/> calls allowed.</summary>
    public void Start(int calls)
    {
        Allow(calls);
        _run = Task.Run(RunAsync);
    }

    /// <summary>Allows <paramref name="calls"/> more calls from now on, each started after this, instead of those left.</summary>
    public void Allow(int calls)
    {
        lock (_calls)
        {
            _budget = calls;
            _resumed.TrySetResult();
        }
    }

    /// <summary>
    /// Completes once a call that started after tick <paramref name="tick"/> (its start tick is greater) has completed,
    /// successfully or not; at once when one has.
    /// </summary>
    public Task CompletedCallStartedAfter(long tick)
    {
        lock (_calls)
        {
            if (_lastCompletedStart > tick)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((tick, reached));
            return reached.Task;
        }
    }

    /// <summary>Lets the call in flight complete, makes no more, and returns every call made.</summary>
    public async Task<IReadOnlyList<ChurnCall>> StopAsync()
    {
        lock (_calls)
        {
            _stopping = true;
            _resumed.TrySetResult();
        }

        if (_run is not null)
        {
            await _run.WaitAsync(_bound);
        }

        return Calls;
    }

    private async Task RunAsync()
    {
        for (var index = 0; await MayCallAsync(); index++)
        {
            var attempts = new CallAttempts();
            CallAttempts.Current = attempts;
            var start = _clock.Tick();
            ChurnCall call;
            try
            {
                using var response = await _client.GetAsync(_path).WaitAsync(_bound);
                var body = await response.Content.ReadAsStringAsync().WaitAsync(_bound);
                call = new ChurnCall(Name, index, start, _clock.Tick(), body, (int)response.StatusCode, null, attempts.Ports);
            }
            catch (Exception e)
            {
                call = new ChurnCall(Name, index, start, _clock.Tick(), null, null, e.GetType().Name + ": " + e.Message, attempts.Ports);
            }

            Completed(call);
        }
    }

    /// <summary>Waits until it may make one more call; <see langword="false"/> once stopped.</summary>
    private async Task<bool> MayCallAsync()
    {
        while (true)
        {
            Task resumed;
            lock (_calls)
            {
                if (_stopping)
                {
                    return false;
                }

                if (_budget > 0)
                {
                    _budget--;
                    return true;
                }

                _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                resumed = _resumed.Task;
            }

            await resumed;
        }
    }

    private void Completed(ChurnCall call)
    {
        List<TaskCompletionSource> reached = [];
        lock (_calls)
        {
            _calls.Add(call);
            _lastCompletedStart = call.Start;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (call.Start > _waiters[i].Tick)
                {
                    reached.Add(_waiters[i].Reached);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in reached)
        {
            waiter.TrySetResult();
        }
    }
}
