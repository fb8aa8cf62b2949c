using MeshClient.Registry;
using MeshClient.Xds;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>How a stream's end is reported, whichever side ends it and whatever the client was doing at that moment.</summary>
public sealed class StreamEndTests(ITestOutputHelper output)
{
    private const int Cycles = 40;

    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task A_stream_pilot_ends_in_the_middle_of_pushes_is_reported_with_pilots_status(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);
        for (var cycle = 1; cycle <= Cycles; cycle++)
        {
            await harness.WaitForStateAsync(MeshConnectionState.Synced);

            // Pushes in flight while Pilot ends the stream: the client is often writing an ACK at that moment. The
            // write fails, but the stream ended with Pilot's status, and that is what the registry reports.
            await harness.Pilot.PushAsync();
            await harness.Pilot.DropStreamsAsync();

            await harness.WaitForStateAsync(MeshConnectionState.Stale);
            Assert.Equal("gRPC call failed: Unavailable (14): FakePilot dropped the stream.", harness.Registry.LastError);
            await harness.FireReconnectTimerAsync();
            await harness.WaitForRequestAsync(r => r.StreamId == cycle + 1);
        }

        await harness.WaitForStateAsync(MeshConnectionState.Synced);
        // One Warning line per failure (each stream had delivered data, so each is the first failure in a row).
        var failures = harness.Logs.Where(l => l.Category == "AdsClient" && l.Level >= LogLevel.Warning).ToList();
        Assert.Equal(Cycles, failures.Count);
        Assert.All(failures, l => Assert.Equal("Pilot connection failed (attempt 1 in a row; next attempt in 00:00:01): gRPC call failed: Unavailable (14): FakePilot dropped the stream.", l.Message));
        output.WriteLine($"Writes that failed as Pilot ended the stream: {harness.Logs.Count(l => l.Message.StartsWith("Writing to the ADS stream failed", StringComparison.Ordinal))}");
    }

    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task Stopping_the_client_ends_its_stream_without_reporting_a_failure(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);
        for (var cycle = 1; cycle <= Cycles; cycle++)
        {
            if (cycle > 1)
            {
                harness.Client.Start();
            }

            await harness.WaitForRequestAsync(r => r.StreamId == cycle && r.TypeUrl == harness.EndpointType && r.IsAck);
            await harness.Pilot.PushAsync();
            await harness.Client.StopAsync().WaitAsync(DiscoveryHarness.Bound);
            await harness.Pilot.WaitForConnectionCountAsync(0, DiscoveryHarness.Bound);
        }

        Assert.Equal(MeshConnectionState.Synced, harness.Registry.ConnectionState);
        Assert.Null(harness.Registry.LastError);
        Assert.Equal(Cycles, harness.Logs.Count(l => l.Category == "AdsClient" && l.Message == "ADS client stopped."));
        Assert.DoesNotContain(harness.Logs, l => l.Category == "AdsClient" && l.Level >= LogLevel.Warning);
    }
}
