using System.Collections.Concurrent;
using MeshClient.LoadBalancing;
using MeshClient.Registry;

namespace MeshClient.Resilience;

/// <summary>
/// Passive outlier ejection for one service, as Envoy does it: an endpoint with a number of connection failures or
/// 5xx in a row is ejected for the base time multiplied by how often it has been ejected (at most the maximum time);
/// never more than a maximum share of the service's endpoints at once. Thread-safe; the hot path (<see cref="IsEjected"/>)
/// reads without locks or allocations, and without a lookup while no endpoint is ejected.
/// </summary>
internal sealed class OutlierDetector
{
    private readonly ConcurrentDictionary<EndpointAddress, EndpointRecord> _records = new(EndpointAddressComparer.Instance);
    private readonly OutlierDetectionSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _ejectionLock = new();
    private long _lastEjectionEnd = long.MinValue;

    public OutlierDetector(OutlierDetectionSettings settings, TimeProvider timeProvider)
    {
        _settings = settings;
        _timeProvider = timeProvider;
    }

    /// <summary>Raised when an endpoint is ejected, with the endpoint and its ejection time.</summary>
    public event Action<MeshEndpoint, TimeSpan>? Ejected;

    /// <summary>Whether <paramref name="endpoint"/> is ejected now.</summary>
    public bool IsEjected(MeshEndpoint endpoint)
    {
        if (Volatile.Read(ref _lastEjectionEnd) == long.MinValue)
        {
            return false;
        }

        var now = _timeProvider.GetTimestamp();
        if (now >= Volatile.Read(ref _lastEjectionEnd) || !_records.TryGetValue(Key(endpoint), out var record))
        {
            return false;
        }

        return record.EjectedUntil > now;
    }

    /// <summary>Records a successful call (any answer but a 5xx): the endpoint's run of failures ends.</summary>
    public void ReportSuccess(MeshEndpoint endpoint)
    {
        if (_records.TryGetValue(Key(endpoint), out var record))
        {
            lock (record)
            {
                record.ConsecutiveFailures = 0;
            }
        }
    }

    /// <summary>Records a connection failure or 5xx; ejects the endpoint when its run of failures reaches the threshold.</summary>
    /// <param name="endpoint">The endpoint that failed.</param>
    /// <param name="serviceEndpointCount">How many endpoints the service has now, for the maximum ejection share.</param>
    /// <returns><see langword="true"/> when this failure ejected the endpoint.</returns>
    public bool ReportFailure(MeshEndpoint endpoint, int serviceEndpointCount) => ReportFailure(endpoint, serviceEndpointCount, out _);

    /// <summary>Records a connection failure or 5xx; ejects the endpoint when its run of failures reaches the threshold.</summary>
    /// <param name="endpoint">The endpoint that failed.</param>
    /// <param name="serviceEndpointCount">How many endpoints the service has now, for the maximum ejection share.</param>
    /// <param name="ejectionTime">How long the endpoint is ejected for, when this failure ejected it.</param>
    /// <returns><see langword="true"/> when this failure ejected the endpoint.</returns>
    public bool ReportFailure(MeshEndpoint endpoint, int serviceEndpointCount, out TimeSpan ejectionTime)
    {
        ejectionTime = TimeSpan.Zero;
        var record = _records.GetOrAdd(Key(endpoint), static _ => new EndpointRecord());
        var now = _timeProvider.GetTimestamp();
        lock (record)
        {
            if (record.EjectedUntil > now)
            {
                return false;
            }

            record.ForgetOldEjections(now, _settings.BaseEjectionTime, _timeProvider.TimestampFrequency);
            record.ConsecutiveFailures++;
            if (record.ConsecutiveFailures < _settings.ConsecutiveFailures)
            {
                return false;
            }

            // The share check and the ejection are one step, so concurrent failures of several endpoints cannot
            // together pass the maximum share.
            lock (_ejectionLock)
            {
                if (!MayEjectAnother(serviceEndpointCount, now))
                {
                    return false;
                }

                record.EjectionCount++;
                var ticks = Math.Min(_settings.BaseEjectionTime.Ticks * record.EjectionCount, _settings.MaxEjectionTime.Ticks);
                ejectionTime = TimeSpan.FromTicks(Math.Max(ticks, _settings.BaseEjectionTime.Ticks));
                record.EjectedUntil = now + (long)(ejectionTime.TotalSeconds * _timeProvider.TimestampFrequency);
                record.ConsecutiveFailures = 0;
                RaiseLastEjectionEnd(record.EjectedUntil);
            }
        }

        Ejected?.Invoke(endpoint, ejectionTime);
        return true;
    }

    /// <summary>The number of endpoints with a record (a failure, an ejection).</summary>
    public int RecordCount => _records.Count;

    /// <summary>The number of endpoints ejected now.</summary>
    public int EjectedCount(long now) => _records.Values.Count(r => r.EjectedUntil > now);

    private bool MayEjectAnother(int serviceEndpointCount, long now)
    {
        if (serviceEndpointCount <= 0)
        {
            return false;
        }

        // As Envoy: within the maximum share, but one endpoint may always be ejected when none is.
        var ejected = EjectedCount(now);
        return ejected == 0 ? _settings.MaxEjectionPercent > 0 : (ejected + 1) * 100 <= _settings.MaxEjectionPercent * serviceEndpointCount;
    }

    /// <summary>
    /// Forgets the endpoints that are no longer among <paramref name="present"/> (they left the service), so their
    /// records neither pile up as pods come and go nor count against the maximum share.
    /// </summary>
    /// <param name="present">The addresses of the service's endpoints now.</param>
    public void Retain(IReadOnlySet<EndpointAddress> present)
    {
        foreach (var address in _records.Keys)
        {
            if (!present.Contains(address))
            {
                _records.TryRemove(address, out _);
            }
        }
    }

    private static EndpointAddress Key(MeshEndpoint endpoint) => new(endpoint.Address, endpoint.Port);

    private void RaiseLastEjectionEnd(long ejectedUntil)
    {
        var current = Volatile.Read(ref _lastEjectionEnd);
        while (ejectedUntil > current)
        {
            var seen = Interlocked.CompareExchange(ref _lastEjectionEnd, ejectedUntil, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private sealed class EndpointRecord
    {
        private long _ejectedUntil = long.MinValue;
        private long _healthySince;

        public int ConsecutiveFailures { get; set; }

        public int EjectionCount { get; set; }

        /// <summary>The end of the ejection, in timestamp units; read without the record's lock.</summary>
        public long EjectedUntil
        {
            get => Volatile.Read(ref _ejectedUntil);
            set => Volatile.Write(ref _ejectedUntil, value);
        }

        /// <summary>Each base ejection time spent back in service forgets one earlier ejection, as Envoy decrements its multiplier.</summary>
        public void ForgetOldEjections(long now, TimeSpan baseEjectionTime, long frequency)
        {
            if (EjectionCount == 0)
            {
                return;
            }

            var since = Math.Max(_healthySince, EjectedUntil);
            var period = (long)(baseEjectionTime.TotalSeconds * frequency);
            if (period <= 0)
            {
                return;
            }

            var periods = (now - since) / period;
            if (periods > 0)
            {
                EjectionCount = (int)Math.Max(0, EjectionCount - periods);
                _healthySince = since + (periods * period);
            }
        }
    }
}
