namespace MeshClient.Cli.Commands;

/// <summary>The exit codes of meshctl.</summary>
internal static class ExitCodes
{
    /// <summary>The command did its job.</summary>
    public const int Success = 0;

    /// <summary>A runtime failure: Pilot unreachable or silent, a service the registry does not have.</summary>
    public const int Failure = 1;

    /// <summary>The command line or a configuration file (router.yaml, DestinationRules, registry JSON) is wrong.</summary>
    public const int Usage = 2;
}
