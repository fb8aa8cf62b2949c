using MeshClient.Xds.Protocol;
using Microsoft.Extensions.Logging;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>An unreachable Pilot: one Warning line per attempt with reason and next delay, then summaries; stack traces at Debug only.</summary>
public sealed class AdsClientReconnectLogTests
{
    [Fact]
    public async Task Failed_attempts_log_a_warning_each_then_a_summary_and_stack_traces_only_at_debug()
    {
        await using var ads = new AdsHarness(o => o.ReconnectMaxDelay = TimeSpan.FromSeconds(4));
        for (var i = 0; i < 21; i++)
        {
            ads.Transport.FailNextConnection(AdsHarness.Unavailable("connection refused"));
        }

        ads.Start();
        for (var i = 0; i < 20; i++)
        {
            ads.Time.Advance(await ads.NextBackoffAsync());
        }

        await ads.NextBackoffAsync(); // the 21st failure has been logged

        var warnings = ads.Logger.Entries.Where(e => e.Level >= LogLevel.Warning).ToList();
        Assert.All(warnings, w => Assert.Null(w.Exception));
        var attempts = warnings.Where(e => e.EventId.Id == 1003).Select(e => e.Message).ToList();
        Assert.Equal(5, attempts.Count);
        Assert.Equal("Pilot connection failed (attempt 1 in a row; next attempt in 00:00:01): gRPC call failed: Unavailable (14): connection refused", attempts[0]);
        Assert.Matches(@"^Pilot connection failed \(attempt 5 in a row; next attempt in 00:00:0\d(\.\d+)?\): gRPC call failed: Unavailable \(14\): connection refused$", attempts[4]);
        var summaries = warnings.Where(e => e.EventId.Id == 1019).Select(e => e.Message).ToList();
        Assert.Equal(2, summaries.Count);
        Assert.StartsWith("Pilot still unreachable: 10 failed attempts in a row over ", summaries[0], StringComparison.Ordinal);
        Assert.Contains("(next summary after 20 failures; each attempt at Debug); last error: gRPC call failed: Unavailable (14): connection refused", summaries[0], StringComparison.Ordinal);
        Assert.StartsWith("Pilot still unreachable: 20 failed attempts in a row over ", summaries[1], StringComparison.Ordinal);
        Assert.Equal(7, warnings.Count);

        var debug = ads.Logger.Entries.Where(e => e.EventId.Id == 1001).ToList();
        Assert.Equal(21, debug.Count);
        Assert.All(debug, d => Assert.Equal(LogLevel.Debug, d.Level));
        Assert.All(debug, d => Assert.NotNull(d.Exception));
    }

    [Theory]
    [InlineData(1, "Attempt")]
    [InlineData(5, "Attempt")]
    [InlineData(6, "Quiet")]
    [InlineData(10, "Summary")]
    [InlineData(15, "Quiet")]
    [InlineData(20, "Summary")]
    [InlineData(30, "Quiet")]
    [InlineData(40, "Summary")]
    [InlineData(2560, "Summary")]
    [InlineData(2570, "Quiet")]
    public void Summaries_come_at_doubling_failure_counts(int failures, string expected) =>
        Assert.Equal(expected, ReconnectLogPolicy.Decide(failures).ToString());
}
