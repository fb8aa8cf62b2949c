namespace MeshClient;

/// <summary>The delay between retries (go-chassis <c>backoff.kind</c>).</summary>
public enum MeshRetryBackoff
{
    /// <summary>No delay.</summary>
    Zero = 0,

    /// <summary>Always <see cref="MeshRetryOptions.BackoffMin"/>.</summary>
    Constant = 1,

    /// <summary>A random delay between <see cref="MeshRetryOptions.BackoffMin"/> and <see cref="MeshRetryOptions.BackoffMax"/>.</summary>
    Jittered = 2,

    /// <summary><see cref="MeshRetryOptions.BackoffMin"/> doubled on each attempt, at most <see cref="MeshRetryOptions.BackoffMax"/>.</summary>
    Exponential = 3,
}
