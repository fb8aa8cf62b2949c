using MeshClient.Diagnostics;
using MeshClient.Registry;
using MeshClient.Tests.Xds.Protocol.Fakes;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>An <see cref="AdsClient"/> wired to a fake transport, a recording manual clock and a registry.</summary>
internal sealed class AdsHarness : IAsyncDisposable
{
    public static readonly TimeSpan DoesNotExistTimeout = TimeSpan.FromSeconds(15);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<RegistryChangedEventArgs> _changes = [];
    private Task? _run;

    public AdsHarness(Action<XdsClientOptions>? configure = null, Func<double>? jitter = null, MeshMetrics? metrics = null, Microsoft.Extensions.Logging.ILogger<MeshRegistry>? registryLogger = null)
    {
        Registry = new MeshRegistry(RegistrySnapshot.Empty, registryLogger);
        Options = new XdsClientOptions { PodName = "productpage-v1-123", PodNamespace = "default", InstanceIp = "10.0.0.5" };
        configure?.Invoke(Options);
        Registry.Changed += (_, e) =>
        {
            lock (_changes)
            {
                _changes.Add(e);
            }
        };
        Client = new AdsClient(Transport, Options, Registry, Time, Logger, jitterSource: jitter ?? (() => 0.5), metrics: metrics);
        Client.ResourceDoesNotExist += (_, e) => Missing.TrySetResult(e);
    }

    public FakeGrpcTransport Transport { get; } = new();

    public RecordingLogger<AdsClient> Logger { get; } = new();

    public RecordingTimeProvider Time { get; } = new();

    public MeshRegistry Registry { get; }

    public XdsClientOptions Options { get; }

    public AdsClient Client { get; }

    /// <summary>Completes at the first does-not-exist report.</summary>
    public TaskCompletionSource<XdsResourceDoesNotExistEventArgs> Missing { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string ClusterType => XdsTypeUrls.Cluster(Options.Version);

    public string EndpointType => XdsTypeUrls.ClusterLoadAssignment(Options.Version);

    public int ChangeCount
    {
        get
        {
            lock (_changes)
            {
                return _changes.Count;
            }
        }
    }

    public static GrpcCallException Unavailable(string detail = "connection refused") => new(global::Grpc.Core.StatusCode.Unavailable, detail);

    /// <summary>Starts the client's loop.</summary>
    public AdsHarness Start()
    {
        _run = Client.RunAsync(_stop.Token);
        return this;
    }

    /// <summary>Waits for the next stream and its first (CDS) request.</summary>
    public async Task<(FakeAdsCall Call, DiscoveryRequest First)> NextStreamAsync()
    {
        var call = await Transport.NextCallAsync();
        var first = await call.NextRequestAsync();
        return (call, first);
    }

    /// <summary>Waits for the backoff delay the client requests next and returns it, without advancing the clock.</summary>
    public async Task<TimeSpan> NextBackoffAsync()
    {
        while (true)
        {
            var timer = await Time.NextTimerAsync();
            if (timer.DueTime != DoesNotExistTimeout && timer.DueTime != AdsClient.WriteFailureGrace)
            {
                return timer.DueTime;
            }
        }
    }

    /// <summary>Waits for the client to schedule its reconnect, fires it, and returns the next stream.</summary>
    public async Task<(FakeAdsCall Call, DiscoveryRequest First, TimeSpan Delay)> ReconnectAsync()
    {
        var delay = await NextBackoffAsync();
        Time.Advance(delay);
        var (call, first) = await NextStreamAsync();
        return (call, first, delay);
    }

    /// <summary>Sends a CDS response and returns the requests up to and including its ACK or NACK.</summary>
    public async Task<List<DiscoveryRequest>> SendAndCollectAsync(FakeAdsCall call, DiscoveryResponse response)
    {
        call.Send(response);
        var requests = new List<DiscoveryRequest>();
        while (true)
        {
            var request = await call.NextRequestAsync();
            requests.Add(request);
            if (request.TypeUrl == response.TypeUrl && request.ResponseNonce == response.Nonce)
            {
                return requests;
            }
        }
    }

    /// <summary>Sends a response and returns its ACK or NACK, which must be the next request.</summary>
    public async Task<DiscoveryRequest> SendAsync(FakeAdsCall call, DiscoveryResponse response)
    {
        call.Send(response);
        var request = await call.NextRequestAsync();
        Assert.Equal(response.TypeUrl, request.TypeUrl);
        Assert.Equal(response.Nonce, request.ResponseNonce);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(FakeGrpcTransport.Bound);
        }

        _stop.Dispose();
    }
}
