using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using Google.Protobuf;
using MeshClient.Registry;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// Benchmark 5: the same CDS change, one cluster added to a mesh of 10,000 EDS clusters (10 endpoints each, all
/// received), over state of the world (the response holds every cluster) and over delta (it holds the new one). Client
/// time: from the encoded response entering the client's stream to the registry publishing the snapshot that has the
/// new cluster (decode, validate, apply, publish). The bytes column is the response's size. The client runs on an
/// in-process transport, so neither the network nor a server is measured.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[Config(typeof(Columns))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1)]
public class ScaleDeltaBenchmarks
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private DeltaScriptedTransport _transport = null!;
    private MeshRegistry _registry = null!;
    private AdsClient _client = null!;
    private CancellationTokenSource _stop = null!;
    private Task _run = null!;
    private int _count;
    private byte[] _next = [];
    private string _nextName = string.Empty;

    /// <summary>The xDS protocol.</summary>
    [Params(XdsProtocol.StateOfTheWorld, XdsProtocol.Delta)]
    public XdsProtocol Protocol { get; set; }

    /// <summary>The clusters in the mesh before the change.</summary>
    [Params(10_000)]
    public int Clusters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _transport = new DeltaScriptedTransport();
        _registry = new MeshRegistry();
        var options = new XdsClientOptions
        {
            PodName = "bench-1",
            PodNamespace = "default",
            InstanceIp = "10.0.0.5",
            Protocol = Protocol,
            ResourceDoesNotExistTimeout = Timeout.InfiniteTimeSpan,
        };
        _client = new AdsClient(_transport, options, _registry, TimeProvider.System, NullLogger<AdsClient>.Instance);
        _stop = new CancellationTokenSource();
        _run = _client.RunAsync(_stop.Token);
        _count = Clusters;
        if (Protocol == XdsProtocol.Delta)
        {
            _transport.Send(DeltaScaleMesh.Delta(DeltaScaleMesh.ClusterType, 0, _count, DeltaScaleMesh.Cluster, "0").ToByteArray());
            _transport.Send(DeltaScaleMesh.Delta(DeltaScaleMesh.EndpointType, 0, _count, DeltaScaleMesh.Assignment, "0").ToByteArray());
        }
        else
        {
            _transport.Send(DeltaScaleMesh.StateOfTheWorld(DeltaScaleMesh.ClusterType, _count, DeltaScaleMesh.Cluster, "0").ToByteArray());
            _transport.Send(DeltaScaleMesh.StateOfTheWorld(DeltaScaleMesh.EndpointType, _count, DeltaScaleMesh.Assignment, "0").ToByteArray());
        }

        _registry.WaitForFirstSyncAsync().WaitAsync(Bound).GetAwaiter().GetResult();
        var received = _registry.Current.Clusters.Values.Count(c => c.Endpoints.Length == DeltaScaleMesh.EndpointsPerCluster);
        if (received != _count)
        {
            throw new InvalidOperationException($"Set-up: {received} of {_count} clusters have their endpoints.");
        }
    }

    [IterationSetup]
    public void PrepareChange()
    {
        _next = DeltaScaleMesh.AddOneCluster(Protocol, _count, (_count + 1).ToString(CultureInfo.InvariantCulture));
        _nextName = DeltaScaleMesh.Name(_count);
        _count++;
    }

    /// <summary>One cluster added: from the response's bytes to the published snapshot that holds it.</summary>
    [Benchmark]
    public async Task<int> AddOneCluster()
    {
        var published = new TaskCompletionSource<RegistrySnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, RegistryChangedEventArgs e)
        {
            if (e.Current.Clusters.ContainsKey(_nextName))
            {
                published.TrySetResult(e.Current);
            }
        }

        _registry.Changed += OnChanged;
        try
        {
            _transport.Send(_next);
            var snapshot = await published.Task.WaitAsync(Bound);
            return snapshot.Clusters.Count;
        }
        finally
        {
            _registry.Changed -= OnChanged;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _run.WaitAsync(Bound).GetAwaiter().GetResult();
        _client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stop.Dispose();
    }

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            AddColumn(new DeltaBytesReceivedColumn());

            // A shared 2-core machine builds the benchmark's boilerplate slowly.
            WithBuildTimeout(TimeSpan.FromMinutes(15));
        }
    }
}
