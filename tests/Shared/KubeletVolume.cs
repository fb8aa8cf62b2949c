using System.Diagnostics;

namespace MeshClient.Tests.Shared;

/// <summary>The file operation a kubelet uses to update a ConfigMap or Secret volume: a symlink renamed over another.</summary>
internal static class KubeletVolume
{
    /// <summary>
    /// Renames <paramref name="from"/> over <paramref name="to"/> in one rename(2), as the kubelet swaps "..data_tmp"
    /// over "..data": <c>mv -T</c>, since .NET's moves refuse a destination that resolves to a directory.
    /// </summary>
    public static async Task RenameOverAsync(string from, string to, TimeSpan bound)
    {
        using var mv = Process.Start(new ProcessStartInfo("mv", ["-T", from, to]) { RedirectStandardError = true })!;
        await mv.WaitForExitAsync().WaitAsync(bound);
        Assert.True(mv.ExitCode == 0, await mv.StandardError.ReadToEndAsync());
    }
}
