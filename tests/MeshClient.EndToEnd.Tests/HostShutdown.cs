using Microsoft.Extensions.Hosting;

namespace MeshClient.EndToEnd.Tests;

/// <summary>How the tests end an app's host: stopped within a bound, then disposed (asynchronously when it can be) even if the stop failed.</summary>
internal static class HostShutdown
{
    public static async Task StopAndDisposeAsync(IHost host, TimeSpan bound)
    {
        try
        {
            await host.StopAsync().WaitAsync(bound);
        }
        finally
        {
            if (host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
            else
            {
                host.Dispose();
            }
        }
    }
}
