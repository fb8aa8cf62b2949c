using MeshClient.EndToEnd.Tests.Xds;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>The generic host an app builds (<c>Host.CreateApplicationBuilder</c>), logging to the test's output.</summary>
internal static class TestHost
{
    /// <summary>
    /// A default application builder whose content root is <paramref name="contentRoot"/> (no appsettings.json there)
    /// and whose configuration files are not watched, so hosts do not pile up file watchers; logs go to <paramref name="logs"/>.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(TestOutputLoggerProvider logs, string contentRoot)
    {
        var configuration = new ConfigurationManager();
        configuration["hostBuilder:reloadConfigOnChange"] = "false";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = contentRoot,
            Configuration = configuration,
        });
        builder.Logging.ClearProviders()
            .AddProvider(logs)
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Warning);
        return builder;
    }
}
