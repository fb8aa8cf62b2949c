using MeshClient.Testing.Recording;

namespace MeshClient.Testing.Tests.Recording;

/// <summary>
/// The log behind FakePilot's <c>WaitForRequestAsync</c> and <c>WaitForResponseAsync</c>, which promise the earliest
/// matching item: already recorded, or the next one added, even while items are added from several threads.
/// </summary>
public sealed class AwaitableLogTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_wait_returns_the_earliest_recorded_match()
    {
        var log = new AwaitableLog<Item>("item");
        log.Add(n => new Item(n, Matches: false));
        log.Add(n => new Item(n, Matches: true));
        log.Add(n => new Item(n, Matches: true));

        var found = await log.WaitAsync(item => item.Matches, Bound, CancellationToken.None);

        Assert.Equal(2, found.Sequence);
    }

    [Fact]
    public async Task A_wait_returns_a_match_added_after_it_started()
    {
        var log = new AwaitableLog<Item>("item");
        log.Add(n => new Item(n, Matches: false));
        var wait = log.WaitAsync(item => item.Matches, Bound, CancellationToken.None);
        Assert.False(wait.IsCompleted);

        log.Add(n => new Item(n, Matches: true));

        Assert.Equal(2, (await wait).Sequence);
    }

    [Fact]
    public async Task A_later_match_added_while_an_earlier_one_is_being_examined_does_not_win()
    {
        // Item 1 matches, but its examination is held (the predicate blocks on it) while item 2, also a match, is added
        // on another thread. The wait must return item 1, and must never examine item 2 before item 1's examination is
        // over (the fault this pins offered the newest item to the wait directly, so item 2 was examined, and won, while
        // item 1 was held).
        var log = new AwaitableLog<Item>("item");
        var examiningFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new ManualResetEventSlim();
        var secondAdded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstExamined = false;
        var examinedOutOfOrder = false;
        var wait = log.WaitAsync(
            item =>
            {
                if (item.Sequence == 1)
                {
                    examiningFirst.TrySetResult();
                    releaseFirst.Wait(Bound);
                    Volatile.Write(ref firstExamined, true);
                }
                else if (!Volatile.Read(ref firstExamined))
                {
                    Volatile.Write(ref examinedOutOfOrder, true);
                }

                return item.Matches;
            },
            Bound,
            CancellationToken.None);

        var first = Task.Run(() => log.Add(n => new Item(n, Matches: true)));
        await examiningFirst.Task.WaitAsync(Bound);
        var second = Task.Run(() => log.Add(n =>
        {
            secondAdded.TrySetResult();
            return new Item(n, Matches: true);
        }));
        await secondAdded.Task.WaitAsync(Bound);
        releaseFirst.Set();
        await Task.WhenAll(first, second).WaitAsync(Bound);

        var found = await wait.WaitAsync(Bound);
        Assert.Equal(1, found.Sequence);
        Assert.False(Volatile.Read(ref examinedOutOfOrder), "item 2 was examined while item 1's examination was in progress");
    }

    [Fact]
    public async Task Concurrent_adds_still_give_the_earliest_match()
    {
        for (var round = 0; round < 50; round++)
        {
            var log = new AwaitableLog<Item>("item");
            using var start = new Barrier(4);
            var wait = log.WaitAsync(item => item.Matches, Bound, CancellationToken.None);
            // Threads of their own: four adders blocked on the barrier would wait for the thread pool to grow.
            var adders = Enumerable.Range(0, 4).Select(adder => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait(Bound);
                    for (var i = 0; i < 25; i++)
                    {
                        log.Add(n => new Item(n, Matches: n % 7 == 3));
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)).ToArray();
            await Task.WhenAll(adders).WaitAsync(Bound);

            var found = await wait.WaitAsync(Bound);
            Assert.Equal(3, found.Sequence);
        }
    }

    [Fact]
    public async Task A_timeout_names_what_was_recorded()
    {
        var log = new AwaitableLog<Item>("item");
        log.Add(n => new Item(n, Matches: false));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => log.WaitAsync(item => item.Matches, TimeSpan.FromMilliseconds(1), CancellationToken.None));

        Assert.Contains("No item matched within 0.001 s. Recorded items (1):", error.Message, StringComparison.Ordinal);
        Assert.Contains("Item { Sequence = 1, Matches = False }", error.Message, StringComparison.Ordinal);
    }

    private sealed record Item(int Sequence, bool Matches);
}
