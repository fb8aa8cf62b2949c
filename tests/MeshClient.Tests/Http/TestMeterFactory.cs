using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MeshClient.Tests.Http;

/// <summary>An <see cref="IMeterFactory"/> whose meters a test can tell apart from every other test's.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly ConcurrentBag<Meter> _meters = [];

    public IReadOnlyCollection<Meter> Meters => _meters;

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
