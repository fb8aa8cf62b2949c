using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient.Http;

/// <summary>
/// The workload certificate, read from its PEM files for every new TLS connection and parsed again only when their
/// contents changed (istio-agent rotates them in place). A generation that does not load (a file missing, or the
/// chain and the key caught between two writes) leaves the last good one in use, with a warning. Thread-safe.
/// </summary>
internal sealed partial class WorkloadCertificateSource
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Generation? _current;
    private string? _lastProblem;

    public WorkloadCertificateSource(WorkloadCertificateFiles files, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        Files = files;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The files read.</summary>
    public WorkloadCertificateFiles Files { get; }

    /// <summary>The credentials of the files' current contents, or the last good ones when those do not load.</summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The credentials.</returns>
    /// <exception cref="WorkloadCertificateException">The files do not load and none loaded before.</exception>
    public async ValueTask<WorkloadCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        byte[] chain, key, root;
        try
        {
            chain = await ReadAsync(Files.CertificateChain, "certificate chain", cancellationToken);
            key = await ReadAsync(Files.PrivateKey, "private key", cancellationToken);
            root = await ReadAsync(Files.RootCertificate, "root certificate", cancellationToken);
        }
        catch (WorkloadCertificateException ex)
        {
            return KeepOrThrow(current, ex);
        }

        if (current is not null && current.HasContents(chain, key, root))
        {
            return current.Credentials;
        }

        try
        {
            var loaded = new Generation(chain, key, root, Load(chain, key, root));
            Volatile.Write(ref _current, loaded);
            Volatile.Write(ref _lastProblem, null);
            var certificate = loaded.Credentials.Certificate;
            LogLoaded(_logger, Files.CertificateChain, certificate.Subject, string.Join(", ", SubjectAltNames.Read(certificate)), certificate.NotAfter.ToUniversalTime());
            if (certificate.NotAfter.ToUniversalTime() < _time.GetUtcNow().UtcDateTime)
            {
                LogExpired(_logger, Files.CertificateChain, certificate.NotAfter.ToUniversalTime());
            }

            return loaded.Credentials;
        }
        catch (WorkloadCertificateException ex)
        {
            return KeepOrThrow(current, ex);
        }
    }

    private static async Task<byte[]> ReadAsync(string path, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WorkloadCertificateException($"the workload {what} file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    private WorkloadCredentials Load(byte[] chain, byte[] key, byte[] root)
    {
        var chainText = Encoding.ASCII.GetString(chain);
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(chainText, Encoding.ASCII.GetString(key));
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new WorkloadCertificateException(
                $"the workload certificate chain '{Files.CertificateChain}' and private key '{Files.PrivateKey}' do not load as a PEM certificate and its key: {ex.Message}",
                ex);
        }

        var intermediates = new X509Certificate2Collection();
        intermediates.ImportFromPem(chainText);
        for (var i = intermediates.Count - 1; i >= 0; i--)
        {
            if (intermediates[i].RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
            {
                intermediates.RemoveAt(i);
            }
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(Encoding.ASCII.GetString(root));
        }
        catch (CryptographicException ex)
        {
            throw new WorkloadCertificateException($"the mesh root certificate file '{Files.RootCertificate}' does not load as PEM certificates: {ex.Message}", ex);
        }

        if (roots.Count == 0)
        {
            throw new WorkloadCertificateException($"the mesh root certificate file '{Files.RootCertificate}' holds no PEM certificate");
        }

        return new WorkloadCredentials(certificate, intermediates, roots);
    }

    private WorkloadCredentials KeepOrThrow(Generation? current, WorkloadCertificateException problem)
    {
        if (current is null)
        {
            throw problem;
        }

        // Logged once per distinct problem: every new connection reads the files again.
        if (!string.Equals(Interlocked.Exchange(ref _lastProblem, problem.Message), problem.Message, StringComparison.Ordinal))
        {
            LogKeptPrevious(_logger, problem.Message);
        }

        return current.Credentials;
    }

    /// <summary>One loaded generation: the files' contents and what they gave.</summary>
    private sealed class Generation(byte[] chain, byte[] key, byte[] root, WorkloadCredentials credentials)
    {
        public WorkloadCredentials Credentials { get; } = credentials;

        public bool HasContents(byte[] otherChain, byte[] otherKey, byte[] otherRoot) =>
            chain.AsSpan().SequenceEqual(otherChain) && key.AsSpan().SequenceEqual(otherKey) && root.AsSpan().SequenceEqual(otherRoot);
    }
}
