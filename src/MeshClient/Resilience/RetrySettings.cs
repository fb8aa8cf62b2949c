
namespace MeshClient.Resilience;

/// <summary>The retry options (validated by <see cref="MeshOptionsValidator"/>) (go-chassis <c>retryEnabled</c>, <c>retryOnSame</c>, <c>retryOnNext</c>, <c>backoff</c>).</summary>
internal sealed record RetrySettings(
    bool Enabled,
    int OnSame,
    int OnNext,
    MeshRetryBackoff Backoff,
    TimeSpan BackoffMin,
    TimeSpan BackoffMax,
    bool RetryNonIdempotent)
{
    /// <summary>The most retries of each kind (on the same endpoint, on the next): more only multiplies a failure's load.</summary>
    public const int MaxRetriesPerKind = 10;

    /// <summary>Retries after the first attempt: <see cref="OnSame"/> + <see cref="OnNext"/>, or 0 when retries are off.</summary>
    public int MaxRetryAttempts => Enabled ? OnSame + OnNext : 0;

    /// <summary>Maps the options, which <see cref="MeshOptionsValidator"/> has checked.</summary>
    /// <param name="options">The options (<c>Mesh:Retry</c>).</param>
    /// <returns>The settings.</returns>
    public static RetrySettings FromOptions(MeshRetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RetrySettings(options.Enabled, options.OnSame, options.OnNext, options.Backoff, options.BackoffMin, options.BackoffMax, options.RetryNonIdempotent);
    }
}
