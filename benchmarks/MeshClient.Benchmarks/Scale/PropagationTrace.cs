using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// Issue 12's diagnosis of benchmark 3 (<c>--propagation-trace PUSHES PROTOCOL [WARMUPS]</c>): the pushes of
/// <see cref="PropagationScenario"/>, each push's stages timed from the client's and FakePilot's own log events
/// (recorded by a logger that stamps the time of the events it is asked for and formats nothing): the client handles
/// the response, the registry raises Changed, the routing thread wakes, a decision sees the push, the client has
/// written its ACK, FakePilot has the ACK. Prints each stage's median, p90, p99 and maximum time since the push began,
/// and the garbage collections that fell inside pushes.
/// </summary>
internal static class PropagationTrace
{
    private const int ClientReceived = 1004;
    private const int DeltaClientReceived = 1061;
    private const int ClientAcked = 1005;
    private const int DeltaClientSending = 1060;
    private const int PilotReceived = 101;

    private static readonly string[] Stages =
    [
        "client handles it", "registry Changed", "routing thread woke", "decision sees it", "client ACK written", "FakePilot has ACK",
    ];

    public static async Task RunAsync(int pushes, XdsProtocol protocol, int warmups)
    {
        var stamps = new StampingLoggerFactory(ClientReceived, DeltaClientReceived, ClientAcked, DeltaClientSending, PilotReceived);
        await using var scenario = await PropagationScenario.StartAsync(protocol, stamps);
        long changedAt = 0;
        long wokeAt = 0;
        scenario.Changed = () => Volatile.Write(ref changedAt, Stopwatch.GetTimestamp());
        var samples = Stages.Select(_ => new List<double>()).ToArray();
        var collectedPushes = 0;
        var pauses = new List<double>();
        for (var push = 1; push <= warmups + pushes; push++)
        {
            scenario.PrepareNext();
            stamps.Clear();
            changedAt = 0;
            wokeAt = 0;
            var pauseBefore = GC.GetTotalPauseDuration();
            var collectionsBefore = GC.CollectionCount(0);
            var start = Stopwatch.GetTimestamp();
            await scenario.PushAsync(() => Volatile.Write(ref wokeAt, Stopwatch.GetTimestamp()));
            var seen = Stopwatch.GetTimestamp();
            var collected = GC.CollectionCount(0) != collectionsBefore;
            var pause = (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds;
            scenario.WaitForLastAck();
            if (push <= warmups)
            {
                continue;
            }

            double Ms(long at) => at == 0 ? double.NaN : Stopwatch.GetElapsedTime(start, at).TotalMilliseconds;
            samples[0].Add(Ms(stamps.First(protocol == XdsProtocol.Delta ? DeltaClientReceived : ClientReceived)));
            samples[1].Add(Ms(Volatile.Read(ref changedAt)));
            samples[2].Add(Ms(Volatile.Read(ref wokeAt)));
            samples[3].Add(Ms(seen));
            samples[4].Add(Ms(stamps.First(protocol == XdsProtocol.Delta ? DeltaClientSending : ClientAcked)));
            samples[5].Add(Ms(stamps.First(PilotReceived)));
            collectedPushes += collected ? 1 : 0;
            pauses.Add(pause);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{protocol}, {pushes} pushes after {warmups} warm-up pushes, {PropagationScenario.Services} clusters; ms since the push began:"));
        Console.WriteLine($"{"stage",-22} {"p50",8} {"p90",8} {"p99",8} {"max",8}");
        for (var i = 0; i < Stages.Length; i++)
        {
            var sorted = samples[i].Where(v => !double.IsNaN(v)).Order().ToArray();
            if (sorted.Length == 0)
            {
                Console.WriteLine($"{Stages[i],-22} (not seen)");
                continue;
            }

            double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Stages[i],-22} {At(0.5),8:F3} {At(0.9),8:F3} {At(0.99),8:F3} {sorted[^1],8:F3}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pushes with a collection before their decision: {collectedPushes}; longest pause inside a push {pauses.Max():F3} ms"));
    }

    /// <summary>Stamps the time of the chosen event ids; formats nothing.</summary>
    private sealed class StampingLoggerFactory(params int[] eventIds) : ILoggerFactory, ILogger
    {
        private readonly Lock _gate = new();
        private readonly List<(int Id, long At)> _stamps = [];
        private readonly HashSet<int> _ids = [.. eventIds];

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // Debug is the level of the stamped events; Trace stays off. Debug logging calls of the client and FakePilot
        // then run too, so the trace's stages are somewhat slower than the benchmark's.
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (_ids.Contains(eventId.Id))
            {
                var at = Stopwatch.GetTimestamp();
                lock (_gate)
                {
                    _stamps.Add((eventId.Id, at));
                }
            }
        }

        public void Clear()
        {
            lock (_gate)
            {
                _stamps.Clear();
            }
        }

        public long First(int id)
        {
            lock (_gate)
            {
                var i = _stamps.FindIndex(s => s.Id == id);
                return i < 0 ? 0 : _stamps[i].At;
            }
        }
    }
}
