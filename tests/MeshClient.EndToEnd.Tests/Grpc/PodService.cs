using Grpc.Core;
using MeshClient.EndToEnd.Tests.Grpc.Proto;

namespace MeshClient.EndToEnd.Tests.Grpc;

/// <summary>The <c>meshtest.Pods</c> service of a <see cref="GrpcPod"/>.</summary>
internal sealed class PodService(GrpcPod pod) : Pods.PodsBase
{
    public override Task<WhoReply> Who(WhoRequest request, ServerCallContext context)
    {
        pod.Record(context.RequestHeaders.GetValue(GrpcPod.RecordedHeader));
        if (pod.Failing)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, pod.Name + " is draining"));
        }

        context.ResponseTrailers.Add(GrpcPod.PodTrailer, pod.Name);
        return Task.FromResult(new WhoReply { Pod = pod.Name, Text = request.Text });
    }

    public override async Task<WhoReply> Collect(IAsyncStreamReader<WhoRequest> requestStream, ServerCallContext context)
    {
        pod.Record(context.RequestHeaders.GetValue(GrpcPod.RecordedHeader));
        var count = 0;
        await foreach (var _ in requestStream.ReadAllAsync(context.CancellationToken))
        {
            count++;
        }

        if (pod.Failing)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, pod.Name + " is draining"));
        }

        return new WhoReply { Pod = pod.Name, Index = count };
    }

    public override async Task Count(CountRequest request, IServerStreamWriter<WhoReply> responseStream, ServerCallContext context)
    {
        pod.Record(context.RequestHeaders.GetValue(GrpcPod.RecordedHeader));
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(new WhoReply { Pod = pod.Name, Index = i }, context.CancellationToken);
            if (pod.Failing)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, pod.Name + " lost its backend"));
            }
        }
    }

    public override async Task<WhoReply> Hold(WhoRequest request, ServerCallContext context)
    {
        pod.Record(context.RequestHeaders.GetValue(GrpcPod.RecordedHeader));
        pod.HoldBegan();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            pod.HoldFinished("cancelled");
            throw;
        }

        return new WhoReply { Pod = pod.Name };
    }
}
