
namespace MeshClient.Resilience;

/// <summary>The validated retry options (go-chassis <c>retryEnabled</c>, <c>retryOnSame</c>, <c>retryOnNext</c>, <c>backoff</c>).</summary>
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

    /// <summary>Validates the options.</summary>
    /// <param name="options">The options (<c>Mesh:Retry</c>).</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentException">A value is out of range; the message names the key.</exception>
    public static RetrySettings FromOptions(MeshRetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.OnSame > MaxRetriesPerKind || options.OnNext > MaxRetriesPerKind)
        {
            throw new ArgumentException(
                $"Mesh:Retry:{(options.OnSame > MaxRetriesPerKind ? "OnSame" : "OnNext")} is {Math.Max(options.OnSame, options.OnNext)}: it must be at most {MaxRetriesPerKind}.",
                nameof(options));
        }

        if (options.OnSame < 0)
        {
            throw new ArgumentException($"Mesh:Retry:OnSame is {options.OnSame}: it must be 0 or more.", nameof(options));
        }

        if (options.OnNext < 0)
        {
            throw new ArgumentException($"Mesh:Retry:OnNext is {options.OnNext}: it must be 0 or more.", nameof(options));
        }

        if (!Enum.IsDefined(options.Backoff))
        {
            throw new ArgumentException($"Mesh:Retry:Backoff is {options.Backoff}: it must be Zero, Constant, Jittered or Exponential.", nameof(options));
        }

        if (options.BackoffMin < TimeSpan.Zero)
        {
            throw new ArgumentException($"Mesh:Retry:BackoffMin is {options.BackoffMin}: it must not be negative.", nameof(options));
        }

        if (options.BackoffMax < options.BackoffMin && options.Backoff is MeshRetryBackoff.Jittered or MeshRetryBackoff.Exponential)
        {
            throw new ArgumentException($"Mesh:Retry:BackoffMax is {options.BackoffMax}: it must not be less than BackoffMin ({options.BackoffMin}).", nameof(options));
        }

        return new RetrySettings(options.Enabled, options.OnSame, options.OnNext, options.Backoff, options.BackoffMin, options.BackoffMax, options.RetryNonIdempotent);
    }
}
