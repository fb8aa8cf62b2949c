using System.Diagnostics.Metrics;
using MeshClient.Registry;

namespace MeshClient.Diagnostics;

/// <summary>
/// The instruments of the <c>MeshClient</c> meter. One instance per registry; components that have none
/// record nothing.
/// </summary>
internal sealed class MeshMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _responses;
    private readonly Counter<long> _acks;
    private readonly Counter<long> _nacks;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _ejections;

    public MeshMetrics(MeshRegistry registry, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _meter = meterFactory?.Create(MeshTelemetry.MeterName) ?? new Meter(MeshTelemetry.MeterName);
        _responses = _meter.CreateCounter<long>("meshclient.xds.responses", "{response}", "xDS responses received, by type.");
        _acks = _meter.CreateCounter<long>("meshclient.xds.acks", "{ack}", "xDS responses accepted (ACK), by type.");
        _nacks = _meter.CreateCounter<long>("meshclient.xds.nacks", "{nack}", "xDS responses rejected (NACK), by type.");
        _reconnects = _meter.CreateCounter<long>("meshclient.xds.reconnects", "{reconnect}", "ADS stream reconnects.");
        _decisions = _meter.CreateCounter<long>("meshclient.routing.decisions", "{decision}", "Routing decisions, by service and subset.");
        _retries = _meter.CreateCounter<long>("meshclient.http.retries", "{retry}", "Retried call attempts, by service.");
        _ejections = _meter.CreateCounter<long>("meshclient.outlier.ejections", "{ejection}", "Endpoints ejected by outlier detection, by service.");
        _meter.CreateObservableGauge("meshclient.xds.stream_state", () => (int)registry.ConnectionState, null, "The ADS stream state: 0 connecting, 1 synced, 2 stale.");
        _meter.CreateObservableGauge("meshclient.registry.clusters", () => registry.Current.Clusters.Count, "{cluster}", "Clusters in the registry.");
        _meter.CreateObservableGauge("meshclient.registry.endpoints", () => registry.Current.Clusters.Values.Sum(c => c.Endpoints.Length), "{endpoint}", "Endpoints in the registry, over all clusters.");
    }

    public void XdsResponse(string typeUrl) => _responses.Add(1, new KeyValuePair<string, object?>("type", typeUrl));

    public void XdsAck(string typeUrl) => _acks.Add(1, new KeyValuePair<string, object?>("type", typeUrl));

    public void XdsNack(string typeUrl) => _nacks.Add(1, new KeyValuePair<string, object?>("type", typeUrl));

    public void XdsReconnect() => _reconnects.Add(1);

    public void Decision(string service, string? subset)
    {
        if (_decisions.Enabled)
        {
            _decisions.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("subset", subset ?? string.Empty));
        }
    }

    public void Retry(string service) => _retries.Add(1, new KeyValuePair<string, object?>("service", service));

    public void Ejection(string service) => _ejections.Add(1, new KeyValuePair<string, object?>("service", service));

    public void Dispose() => _meter.Dispose();
}
