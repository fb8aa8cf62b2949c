using MeshClient.Registry;

namespace MeshClient.Cli.Commands;

/// <summary>Loads the registry from Pilot through an <see cref="IRegistrySource"/> and turns its failures into messages.</summary>
internal static class PilotRegistry
{
    /// <summary>
    /// Loads the registry; on failure prints why on stderr and returns <see langword="null"/> (exit 1). With
    /// <paramref name="announceWait"/> it first says on stderr that it is waiting for Pilot, and for how long.
    /// </summary>
    public static async Task<RegistrySnapshot?> LoadAsync(
        IRegistrySource? source,
        EndpointsRequest request,
        string command,
        TextWriter stderr,
        bool announceWait,
        CancellationToken cancellationToken)
    {
        if (source is null)
        {
            await stderr.WriteLineAsync($"meshctl {command}: this build of meshctl cannot connect to Pilot; use 'meshctl route --registry FILE' with a saved 'meshctl endpoints --json' document.");
            return null;
        }

        if (announceWait)
        {
            // Only for a person at a terminal: scripts that read stderr see errors and nothing else.
            await stderr.WriteLineAsync($"meshctl {command}: waiting for Pilot at {request.PilotAddress} (up to {PilotArguments.FormatSeconds(request.Timeout)}{(request.Settle > TimeSpan.Zero ? $", then {PilotArguments.FormatSeconds(request.Settle)} more" : string.Empty)})...");
        }

        try
        {
            return await source.LoadAsync(request, cancellationToken);
        }
        catch (RegistrySourceException e)
        {
            await stderr.WriteLineAsync($"meshctl {command}: {e.Message}");
        }
        catch (TimeoutException e)
        {
            await stderr.WriteLineAsync($"meshctl {command}: Pilot at {request.PilotAddress} sent no complete state within {PilotArguments.FormatSeconds(request.Timeout)} ({e.Message})");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            await stderr.WriteLineAsync($"meshctl {command}: cannot reach Pilot at {request.PilotAddress}: {e.Message}");
        }

        return null;
    }
}
