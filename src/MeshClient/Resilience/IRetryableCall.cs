using System.Diagnostics;
using Polly;

namespace MeshClient.Resilience;

/// <summary>A call the <see cref="MeshRetryPipeline"/> can attempt again: what the retry rules and the retry log need, and the next attempt.</summary>
internal interface IRetryableCall
{
    /// <summary>The request (its method and body decide whether it may be sent again).</summary>
    HttpRequestMessage Request { get; }

    /// <summary>The kind of call, for the retry rules.</summary>
    CallKind Kind { get; }

    /// <summary>The service's host, for metrics and messages.</summary>
    string ServiceHost { get; }

    /// <summary>The endpoint of the last attempt, for messages.</summary>
    string LastEndpoint { get; }

    /// <summary>The call's routing activity, when a listener records it.</summary>
    Activity? Activity { get; }

    /// <summary>Sends the next attempt (to the same endpoint, or to another one for a retry on next) and reports its outcome.</summary>
    ValueTask<Outcome<HttpResponseMessage>> SendAttemptAsync(CancellationToken cancellationToken);
}
