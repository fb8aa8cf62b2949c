using MeshClient.Testing.Tests.Grpc;
using MeshClient.Tests.Shared;

namespace MeshClient.Testing.Tests;

/// <summary>ResponseDelay runs on the options' TimeProvider, so a SignalingTimeProvider releases responses without sleeping.</summary>
public sealed class FakePilotDelayTests : FakePilotTestBase
{
    private readonly SignalingTimeProvider _time = new();

    private protected override FakePilotOptions? Options => new() { TimeProvider = _time, ResponseDelay = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Responses_wait_for_the_delay_on_the_time_provider()
    {
        SetReviews();
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _time.TimerChanged += (_, _) =>
        {
            if (_time.ArmedTimerCount == 1)
            {
                armed.TrySetResult();
            }
        };
        var call = Open();
        await call.SendAsync(Requests.First(FakePilot.ClusterTypeUrlV3));
        var read = call.ReadAsync();

        await armed.Task.WaitAsync(Timeout);
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(read.IsCompleted);
        Assert.Empty(Pilot.Responses);

        _time.Advance(TimeSpan.FromSeconds(0.1));

        var cds = await read;
        Assert.Equal(4, cds.Resources.Count);
    }

    [Fact]
    public async Task ResponseDelay_can_be_changed_while_running()
    {
        Pilot.ResponseDelay = TimeSpan.Zero;

        var (_, cds) = await OpenWithCdsAsync();

        Assert.Equal(FakePilot.ClusterTypeUrlV3, cds.TypeUrl);
        Assert.Equal(0, _time.ArmedTimerCount);
    }
}
