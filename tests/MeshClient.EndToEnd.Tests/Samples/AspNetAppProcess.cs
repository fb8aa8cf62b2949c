using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace MeshClient.EndToEnd.Tests.Samples;

/// <summary>
/// samples/AspNetApp run as users run it: <c>dotnet AspNetApp.dll</c> in its output directory (so the router.yaml and
/// DestinationRule it ships are found there), on a free port, with settings given on the command line.
/// </summary>
internal sealed class AspNetAppProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "Now listening on: ";

    private readonly Process _process;

    private AspNetAppProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static string OutputDirectory
    {
        get
        {
            var configuration = typeof(AspNetAppProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(root.FullName, "MeshClient.sln")))
            {
                root = root.Parent ?? throw new InvalidOperationException("MeshClient.sln not found above " + AppContext.BaseDirectory);
            }

            return Path.Combine(root.FullName, "samples", "AspNetApp", "bin", configuration, "net10.0");
        }
    }

    /// <summary>Starts the app and waits (at most <paramref name="bound"/>) for Kestrel to say where it listens.</summary>
    public static async Task<AspNetAppProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan bound)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = OutputDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(OutputDirectory, "AspNetApp.dll"));
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        void Read(string? line)
        {
            if (line is null)
            {
                listening.TrySetException(new InvalidOperationException("AspNetApp exited before listening:\n" + output));
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            var at = line.IndexOf(ListeningPrefix, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(line[(at + ListeningPrefix.Length)..].Trim()));
            }
        }

        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(bound);
            var app = new AspNetAppProcess(process, address);
            return app;
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
    }
}
