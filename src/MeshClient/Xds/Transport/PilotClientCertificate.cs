using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MeshClient.Xds.Transport;

/// <summary>
/// The client certificate of the connection to Pilot, read again from its PEM files at every TLS handshake (a new
/// connection: at start and after each reconnect), so a rotated certificate (istio-agent and cert-manager rewrite the
/// files, a Kubernetes secret volume swaps them) is the one presented next. Files that changed but do not load (half
/// rotated, a key that does not match) keep the last good certificate in use; the reason is logged and kept in
/// <see cref="LastProblem"/>, naming the files, never their content.
/// </summary>
internal sealed partial class PilotClientCertificate
{
    private readonly string _certificateFile;
    private readonly string _keyFile;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private X509Certificate2 _current;
    private byte[] _loadedCertificate;
    private byte[] _loadedKey;

    /// <summary>Loads the certificate and its key.</summary>
    /// <exception cref="ArgumentException">A file cannot be read, or the key does not parse or does not match the certificate.</exception>
    public PilotClientCertificate(string certificateFile, string keyFile, ILogger logger)
    {
        _certificateFile = certificateFile;
        _keyFile = keyFile;
        _logger = logger;
        var (certificate, key) = ReadFiles(out var unreadable) ?? throw new ArgumentException(LoadFailure(unreadable));

        // The certificate comes from the bytes kept for comparison: one read, so a rotation in between is seen next time.
        _current = TryCreate(certificate, key, out var problem) ?? throw new ArgumentException(LoadFailure(problem));
        _loadedCertificate = certificate;
        _loadedKey = key;
    }

    /// <summary>The certificate presented last, or to be presented next.</summary>
    public X509Certificate2 Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Why the files, when they last changed, could not be loaded; <see langword="null"/> once they load again.</summary>
    public string? LastProblem { get; private set; }

    /// <summary>
    /// The certificate for a handshake: the files' current certificate when they changed and load, otherwise the last
    /// good one.
    /// </summary>
    public X509Certificate2 Select()
    {
        lock (_gate)
        {
            if (ReadFiles(out var unreadable) is not var (certificate, key))
            {
                Keep(unreadable);
                return _current;
            }

            if (certificate.AsSpan().SequenceEqual(_loadedCertificate) && key.AsSpan().SequenceEqual(_loadedKey))
            {
                // The files hold the certificate in use (again, after a failed read or a rewrite): nothing is wrong.
                LastProblem = null;
                return _current;
            }

            if (TryCreate(certificate, key, out var problem) is not { } next)
            {
                Keep(problem);
                return _current;
            }

            // The previous certificate is not disposed: a connection made with it may still refer to it.
            _current = next;
            _loadedCertificate = certificate;
            _loadedKey = key;
            LastProblem = null;
            LogRotated(_logger, _certificateFile, next.NotAfter.ToUniversalTime());
            return next;
        }
    }

    /// <summary>
    /// The certificate with its key, or <see langword="null"/> and why not, in <see cref="PilotTlsFiles.Reason"/>'s
    /// words (never the content); any other failure is named by its type only.
    /// </summary>
    private static X509Certificate2? TryCreate(byte[] certificate, byte[] key, out string problem)
    {
        try
        {
            problem = string.Empty;
            return X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(certificate), Encoding.UTF8.GetString(key));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            problem = PilotTlsFiles.Reason(e);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A handshake must not fail here while a good certificate is at hand.
            problem = e.GetType().Name;
            return null;
        }
    }

    /// <summary>Both files' bytes, or <see langword="null"/> and why not (does not exist, access denied, I/O error).</summary>
    private (byte[] Certificate, byte[] Key)? ReadFiles(out string problem)
    {
        try
        {
            problem = string.Empty;
            return (File.ReadAllBytes(_certificateFile), File.ReadAllBytes(_keyFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"a file cannot be read ({PilotTlsFiles.Reason(e)})";
            return null;
        }
    }

    private void Keep(string reason)
    {
        var problem = LoadFailure(reason) + $"; the previous certificate (valid until {_current.NotAfter.ToUniversalTime():u}) is presented instead";
        if (!string.Equals(problem, LastProblem, StringComparison.Ordinal))
        {
            LogRotationFailed(_logger, problem);
        }

        LastProblem = problem;
    }

    private string LoadFailure(string reason) => PilotTlsFiles.ClientCertificateFailure(_certificateFile, _keyFile, reason);
}
