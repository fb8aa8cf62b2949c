using Grpc.Core;

namespace MeshClient.Testing.Ads;

/// <summary>The Grpc.AspNetCore service behind FakePilot's ADS methods: every call goes to the FakePilot that hosts it.</summary>
/// <param name="pilot">The FakePilot.</param>
internal sealed class AdsService(FakePilot pilot)
{
    /// <summary>Serves one ADS call on <paramref name="methodPath"/>.</summary>
    public Task ServeAsync(string methodPath, IAsyncStreamReader<RequestMessage> requests, IServerStreamWriter<byte[]> responses, ServerCallContext context) =>
        pilot.ServeAsync(methodPath, requests, responses, context);
}
