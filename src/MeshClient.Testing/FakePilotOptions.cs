using Microsoft.Extensions.Logging;

namespace MeshClient.Testing;

/// <summary>Options for <see cref="FakePilot.StartAsync"/>.</summary>
public sealed class FakePilotOptions
{
    /// <summary>The loopback port to listen on; 0 (the default) picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The clock that <see cref="FakePilot.ResponseDelay"/> runs on. Pass a <c>FakeTimeProvider</c> (package Microsoft.Extensions.TimeProvider.Testing) to
    /// release delayed responses by advancing it. <see cref="TimeProvider.System"/> by default.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where FakePilot and Kestrel log; <see langword="null"/> (the default) logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The initial value of <see cref="FakePilot.ResponseDelay"/>; zero by default.</summary>
    public TimeSpan ResponseDelay { get; set; }
}
