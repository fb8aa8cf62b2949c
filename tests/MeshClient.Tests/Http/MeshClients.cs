using System.Diagnostics.Metrics;
using MeshClient;
using MeshClient.Http;
using MeshClient.Routing;
using Microsoft.Extensions.Logging;

namespace MeshClient.Tests.Http;

/// <summary>HttpClients whose handler is the mesh handler, built through the public console-app entry point.</summary>
internal static class MeshClients
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static HttpClient Create(
        MeshRouter router,
        MeshOptions? options = null,
        TimeProvider? time = null,
        IMeterFactory? meters = null,
        ILoggerFactory? loggers = null,
        HttpMessageHandler? inner = null) =>
        new(MeshHttpHandler.Create(router, options, inner ?? new SocketsHttpHandler(), time, loggers, meters));

    /// <summary>Options with retries off, so each call is exactly one attempt.</summary>
    public static MeshOptions NoRetries(Action<MeshOptions>? configure = null)
    {
        var options = new MeshOptions { Retry = { Enabled = false } };
        configure?.Invoke(options);
        return options;
    }

    public static MeshOptions Options(Action<MeshOptions> configure)
    {
        var options = new MeshOptions();
        configure(options);
        return options;
    }

    /// <summary>GET <paramref name="uri"/> and return the id of the backend that answered (the body), failing on a non-2xx.</summary>
    public static async Task<string> GetIdAsync(this HttpClient client, string uri)
    {
        using var response = await client.GetAsync(uri).WaitAsync(Bound);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from {body}");
        return body;
    }
}
