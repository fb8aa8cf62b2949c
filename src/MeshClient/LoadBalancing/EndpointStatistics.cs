namespace MeshClient.LoadBalancing;

/// <summary>
/// What calls to one endpoint did: in-flight count, successive failures and response times over a window. Lives
/// across registry snapshots (keyed by address), so calls started before a swap are counted when they finish.
/// </summary>
internal sealed class EndpointStatistics
{
    private readonly long _windowTicks;
    private readonly object _latencyLock = new();
    private int _inFlight;
    private int _successiveFailures;
    private long _bucket = long.MinValue;
    private long _bucketSum;
    private long _bucketCount;
    private long _previousBucket = long.MinValue;
    private long _previousSum;
    private long _previousCount;

    /// <param name="address">The endpoint.</param>
    /// <param name="windowTicks">The response-time window in <see cref="TimeProvider.GetTimestamp"/> units.</param>
    public EndpointStatistics(EndpointAddress address, long windowTicks)
    {
        Address = address;
        _windowTicks = Math.Max(1, windowTicks);
    }

    public EndpointAddress Address { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    public int SuccessiveFailures => Volatile.Read(ref _successiveFailures);

    public void CallStarted() => Interlocked.Increment(ref _inFlight);

    /// <summary>The call no longer counts as in flight (it ended, or its response content was read or disposed).</summary>
    public void CallReleased() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Records the end of a call: no longer in flight, and its outcome.</summary>
    /// <param name="success">Whether the call succeeded.</param>
    /// <param name="elapsed">Its duration in timestamp units.</param>
    /// <param name="now">The current timestamp.</param>
    public void CallFinished(bool success, long elapsed, long now)
    {
        CallReleased();
        RecordOutcome(success, elapsed, now);
    }

    /// <summary>Records a call's outcome (success or failure, response time) without changing the in-flight count.</summary>
    /// <param name="success">Whether the call succeeded.</param>
    /// <param name="elapsed">Its response time in timestamp units.</param>
    /// <param name="now">The current timestamp.</param>
    public void RecordOutcome(bool success, long elapsed, long now)
    {
        if (success)
        {
            Volatile.Write(ref _successiveFailures, 0);
        }
        else
        {
            Interlocked.Increment(ref _successiveFailures);
        }

        var bucket = now / _windowTicks;
        lock (_latencyLock)
        {
            if (bucket != _bucket)
            {
                if (bucket == _bucket + 1)
                {
                    (_previousBucket, _previousSum, _previousCount) = (_bucket, _bucketSum, _bucketCount);
                }
                else if (bucket > _bucket)
                {
                    (_previousBucket, _previousSum, _previousCount) = (long.MinValue, 0, 0);
                }

                if (bucket > _bucket)
                {
                    (_bucket, _bucketSum, _bucketCount) = (bucket, 0, 0);
                }
            }

            if (bucket == _bucket)
            {
                _bucketSum += Math.Max(0, elapsed);
                _bucketCount++;
            }
        }
    }

    /// <summary>The mean response time of the calls that finished in the current and the previous window.</summary>
    public bool TryGetAverageLatency(long now, out double average)
    {
        var bucket = now / _windowTicks;
        long sum = 0, count = 0;
        lock (_latencyLock)
        {
            if (_bucket == bucket || _bucket == bucket - 1)
            {
                sum += _bucketSum;
                count += _bucketCount;
            }

            if (_previousBucket == bucket - 1)
            {
                sum += _previousSum;
                count += _previousCount;
            }
        }

        average = count == 0 ? 0 : (double)sum / count;
        return count > 0;
    }
}
