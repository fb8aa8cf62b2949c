using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshClient.Xds.Transport;

/// <summary>
/// Loads the PEM files of the connection to Pilot: the CA bundle and the client certificate with its key. Errors name
/// the file and the reason, never the content (a key is a secret).
/// </summary>
internal static class PilotTlsFiles
{
    /// <summary>Reads every certificate of a PEM CA bundle.</summary>
    /// <exception cref="ArgumentException">The file cannot be read or holds no certificate.</exception>
    public static X509Certificate2Collection LoadRoots(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"the CA file '{path}' cannot be read: {Reason(e)}");
        }

        return roots.Count > 0
            ? roots
            : throw new ArgumentException($"the CA file '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    /// <summary>Reads a PEM certificate and its PEM private key.</summary>
    /// <exception cref="ArgumentException">A file cannot be read, or the key does not parse or does not match the certificate.</exception>
    public static X509Certificate2 LoadClientCertificate(string certificateFile, string keyFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificateFile);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyFile);
        try
        {
            return X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ArgumentException(ClientCertificateFailure(certificateFile, keyFile, Reason(e)));
        }
    }

    /// <summary>Why a client certificate and its key cannot be loaded, naming both files and never their content.</summary>
    public static string ClientCertificateFailure(string certificateFile, string keyFile, string reason) =>
        $"the client certificate '{certificateFile}' with the key '{keyFile}' cannot be loaded: {reason}";

    /// <summary>Why a file could not be read or parsed, in words that never quote its content.</summary>
    public static string Reason(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "a file does not exist",
        UnauthorizedAccessException => "access denied",
        IOException => "I/O error",

        // CryptographicException and ArgumentException messages of the PEM readers describe the form, not the content.
        _ => e.Message,
    };
}
