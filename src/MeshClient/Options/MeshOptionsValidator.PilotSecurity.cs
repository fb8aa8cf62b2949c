using MeshClient.Xds.Transport;

namespace MeshClient;

/// <summary>The checks of Pilot's TLS and token files (<c>Mesh:Pilot:CaFile</c> and the others).</summary>
internal sealed partial class MeshOptionsValidator
{
    /// <summary>The TLS and token files: they exist and parse, go with an address that uses them, and come in pairs.</summary>
    private void ValidatePilotSecurity(List<string> errors, MeshPilotOptions pilot, string? scheme)
    {
        var tls = scheme == "https";
        foreach (var (optionKey, value) in new[] { ("Pilot:CaFile", pilot.CaFile), ("Pilot:ServerName", pilot.ServerName), ("Pilot:ClientCertificateFile", pilot.ClientCertificateFile), ("Pilot:ClientKeyFile", pilot.ClientKeyFile) })
        {
            if (!string.IsNullOrWhiteSpace(value) && scheme is not null && !tls)
            {
                Fail(errors, optionKey, $"applies to https:// Pilot addresses only, and {_section}:Pilot:Address is '{pilot.Address}'");
            }
        }

        if (!string.IsNullOrWhiteSpace(pilot.TokenFile) && scheme is "grpc" or "http")
        {
            Fail(errors, "Pilot:TokenFile", $"a token is never sent in clear text: use an https:// address (istiod's port 15012) or unix://, not '{pilot.Address}'");
        }

        if (tls && !string.IsNullOrWhiteSpace(pilot.CaFile) && FileExists(errors, "Pilot:CaFile", pilot.CaFile))
        {
            try
            {
                PilotTlsFiles.LoadRoots(pilot.CaFile.Trim());
            }
            catch (ArgumentException e)
            {
                Fail(errors, "Pilot:CaFile", e.Message);
            }
        }

        var certificate = pilot.ClientCertificateFile;
        var key = pilot.ClientKeyFile;
        if (string.IsNullOrWhiteSpace(certificate) != string.IsNullOrWhiteSpace(key))
        {
            Fail(errors, string.IsNullOrWhiteSpace(certificate) ? "Pilot:ClientCertificateFile" : "Pilot:ClientKeyFile", $"is missing: {_section}:Pilot:ClientCertificateFile and ClientKeyFile go together");
        }
        else if (tls && !string.IsNullOrWhiteSpace(certificate) && !string.IsNullOrWhiteSpace(key)
            && FileExists(errors, "Pilot:ClientCertificateFile", certificate) & FileExists(errors, "Pilot:ClientKeyFile", key))
        {
            try
            {
                PilotTlsFiles.LoadClientCertificate(certificate.Trim(), key.Trim()).Dispose();
            }
            catch (ArgumentException e)
            {
                Fail(errors, "Pilot:ClientCertificateFile", e.Message);
            }
        }

        if (scheme is "https" or "unix" && !string.IsNullOrWhiteSpace(pilot.TokenFile))
        {
            FileExists(errors, "Pilot:TokenFile", pilot.TokenFile);
        }
    }

    private bool FileExists(List<string> errors, string key, string path)
    {
        if (File.Exists(path.Trim()))
        {
            return true;
        }

        Fail(errors, key, $"the file '{path}' does not exist");
        return false;
    }
}
