namespace MeshClient;

/// <summary>
/// Retries with go-chassis's knobs (<c>cse.loadbalance.retryEnabled</c>, <c>retryOnSame</c>, <c>retryOnNext</c>,
/// <c>backoff</c>). By default only idempotent methods are retried, only after a connection failure or a 502, 503
/// or 504, and a next attempt goes to another endpoint.
/// </summary>
public sealed class MeshRetryOptions
{
    /// <summary>Whether failed calls are retried. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Retries on the same endpoint. Default 0.</summary>
    public int OnSame { get; set; }

    /// <summary>Retries on another endpoint. Default 1.</summary>
    public int OnNext { get; set; } = 1;

    /// <summary>The delay before a retry. Default <see cref="MeshRetryBackoff.Zero"/>.</summary>
    public MeshRetryBackoff Backoff { get; set; } = MeshRetryBackoff.Zero;

    /// <summary>The (first) delay of constant, jittered and exponential backoff. Default 100 ms.</summary>
    public TimeSpan BackoffMin { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest delay of jittered and exponential backoff. Default 1 s.</summary>
    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether non-idempotent methods (POST, PATCH) are retried too, after a connection failure only. Default <see langword="false"/>.</summary>
    public bool RetryNonIdempotent { get; set; }
}
