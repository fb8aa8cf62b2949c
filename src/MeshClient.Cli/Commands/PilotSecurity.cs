namespace MeshClient.Cli.Commands;

/// <summary>
/// How meshctl proves itself to Pilot and checks Pilot: <c>--ca-file</c>, <c>--server-name</c>, <c>--cert-file</c>,
/// <c>--key-file</c> (https:// only) and <c>--token-file</c> (https:// or unix://). meshctl uses only the files it is
/// given: unlike the library it takes no in-pod defaults.
/// </summary>
/// <param name="CaFile">The PEM CA bundle Pilot's certificate must chain to; <see langword="null"/> for the system's CAs.</param>
/// <param name="ServerName">The name Pilot's certificate must carry; <see langword="null"/> for the address's host.</param>
/// <param name="CertificateFile">The PEM client certificate, with <paramref name="KeyFile"/>.</param>
/// <param name="KeyFile">The PEM private key of <paramref name="CertificateFile"/>.</param>
/// <param name="TokenFile">The file of the bearer token sent on the stream.</param>
internal sealed record PilotSecurity(string? CaFile, string? ServerName, string? CertificateFile, string? KeyFile, string? TokenFile)
{
    /// <summary>Reads the options; <see langword="null"/> when none is given.</summary>
    /// <exception cref="UsageException">A file does not exist, only one of --cert-file and --key-file is given, or an option does not fit the address.</exception>
    public static PilotSecurity? Read(CommandArguments arguments, Uri pilot)
    {
        var security = new PilotSecurity(
            File(arguments, "ca-file"),
            arguments.Value("server-name"),
            File(arguments, "cert-file"),
            File(arguments, "key-file"),
            File(arguments, "token-file"));
        if (security == new PilotSecurity(null, null, null, null, null))
        {
            return null;
        }

        if ((security.CertificateFile is null) != (security.KeyFile is null))
        {
            throw new UsageException("options '--cert-file' and '--key-file' go together: give both or neither");
        }

        if (pilot.Scheme != "https" && (security.CaFile ?? security.ServerName ?? security.CertificateFile) is not null)
        {
            throw new UsageException("options '--ca-file', '--server-name', '--cert-file' and '--key-file' need an https:// '--pilot' address");
        }

        if (security.TokenFile is not null && pilot.Scheme is not ("https" or "unix"))
        {
            throw new UsageException("option '--token-file' needs an https:// (or unix://) '--pilot' address: a token is never sent in clear text");
        }

        if (security.ServerName is { } name && string.IsNullOrWhiteSpace(name))
        {
            throw new UsageException("option '--server-name' must not be empty");
        }

        return security;
    }

    private static string? File(CommandArguments arguments, string option) =>
        arguments.Value(option) is not { } path ? null
        : System.IO.File.Exists(path) ? path
        : throw new UsageException($"option '--{option}': the file '{path}' does not exist");
}
