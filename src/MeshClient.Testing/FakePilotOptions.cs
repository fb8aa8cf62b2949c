using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace MeshClient.Testing;

/// <summary>Options for <see cref="FakePilot.StartAsync"/>.</summary>
public sealed class FakePilotOptions
{
    /// <summary>The loopback port to listen on; 0 (the default) picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>
    /// When set, FakePilot serves TLS (HTTP/2 by ALPN) with this certificate, which must hold its private key, as
    /// istiod does on port 15012; <see cref="FakePilot.Address"/> is then <c>https://127.0.0.1:PORT</c>.
    /// <see langword="null"/> (the default): plaintext HTTP/2.
    /// </summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>With <see cref="ServerCertificate"/>: refuse TLS connections that present no client certificate (mutual TLS).</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>
    /// With <see cref="ServerCertificate"/>: decides whether a presented client certificate is accepted (the chain is
    /// not checked otherwise). <see langword="null"/> (the default) accepts any.
    /// </summary>
    public Func<X509Certificate2, bool>? ClientCertificateValidation { get; set; }

    /// <summary>The initial value of <see cref="FakePilot.RequiredToken"/>; <see langword="null"/> (the default) requires none.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>
    /// When set, FakePilot listens on this Unix domain socket (plaintext HTTP/2) instead of a loopback port, as
    /// istio-agent's xDS proxy does; <see cref="FakePilot.Address"/> is then <c>unix:///PATH</c>. A file left at the
    /// path is replaced.
    /// </summary>
    public string? UnixSocketPath { get; set; }

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
