using System.Globalization;
using Google.Protobuf;
using MeshClient.Xds.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>The server side of gRPC over HTTP/2, by hand, for <see cref="GrpcTestServer"/> handlers.</summary>
internal static class GrpcServerCalls
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Sends the response headers (200, application/grpc) at once and declares the status trailers.</summary>
    public static async Task StartResponseAsync(this HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.DeclareTrailer("grpc-status");
        context.Response.DeclareTrailer("grpc-message");
        await context.Response.StartAsync(context.RequestAborted);
    }

    public static ValueTask<T?> ReadRequestAsync<T>(this HttpContext context, MessageParser<T> parser)
        where T : class, IMessage<T> =>
        GrpcMessageFraming.ReadMessageAsync(context.Request.Body, parser, int.MaxValue, context.RequestAborted);

    public static Task WriteResponseAsync(this HttpContext context, IMessage message) =>
        GrpcMessageFraming.WriteMessageAsync(context.Response.Body, message, context.RequestAborted);

    /// <summary>Ends the call: grpc-status and the percent-encoded grpc-message as trailers.</summary>
    public static void EndWithStatus(this HttpContext context, GrpcStatusCode code, string? message = null)
    {
        context.Response.AppendTrailer("grpc-status", ((int)code).ToString(CultureInfo.InvariantCulture));
        if (message is not null)
        {
            context.Response.AppendTrailer("grpc-message", GrpcStatusMessageEncoding.Encode(message));
        }
    }

    /// <summary>Resets the HTTP/2 stream with an error code (RST_STREAM).</summary>
    public static void Reset(this HttpContext context, int http2ErrorCode) =>
        context.Features.GetRequiredFeature<IHttpResetFeature>().Reset(http2ErrorCode);

    /// <summary>Waits until the client resets the stream (RequestAborted), with a bound, and reports it.</summary>
    public static async Task WaitForAbortAsync(this HttpContext context, TaskCompletionSource aborted)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = context.RequestAborted.Register(() => signal.TrySetResult());
        await signal.Task.WaitAsync(Bound);
        aborted.TrySetResult();
    }

    public static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
