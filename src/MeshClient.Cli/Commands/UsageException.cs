namespace MeshClient.Cli.Commands;

/// <summary>The command line is wrong; meshctl prints the message and the usage, and exits 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
