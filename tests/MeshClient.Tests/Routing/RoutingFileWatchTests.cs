using MeshClient.Routing;
using MeshClient.Testing;
using MeshClient.Tests.Shared;
using Microsoft.Extensions.Logging;

namespace MeshClient.Tests.Routing;

/// <summary>
/// Reloads on the real file system: a Kubernetes ConfigMap update (the kubelet's "..data" symlink swap), an editor's
/// save-by-rename, delete and re-create, and a broken edit that must never leave the timer callback.
/// </summary>
public sealed class RoutingFileWatchTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private const string V1 = "routeRule:\n  reviews:\n    - route: [{tags: {version: v1}, weight: 100}]\n";
    private const string V2 = "routeRule:\n  reviews:\n    - route: [{tags: {version: v2}, weight: 100}]\n  ratings:\n    - route: [{tags: {version: v2}, weight: 100}]\n";
    private const string V3 = "routeRule:\n  ratings:\n    - route: [{tags: {version: v3}, weight: 100}]\n";
    private const string UnclosedFlow = "routeRule:\n  reviews:\n    - match:\n        headers:\n          user:\n            regex: [jason\n      route: [{tags: {version: v1}, weight: 100}]\n";

    private readonly string _directory = Directory.CreateTempSubdirectory("meshclient-watch-").FullName;
    private readonly SignalingTimeProvider _time = new();
    private readonly RecordingLogger _logger = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_kubelet_configmap_update_that_swaps_the_data_symlink_is_reloaded()
    {
        // The exact layout the kubelet writes for a ConfigMap volume.
        Directory.CreateDirectory(PathOf("..2026_11_30_a"));
        File.WriteAllText(PathOf("..2026_11_30_a", "router.yaml"), V1);
        File.CreateSymbolicLink(PathOf("..data"), "..2026_11_30_a");
        File.CreateSymbolicLink(PathOf("router.yaml"), Path.Combine("..data", "router.yaml"));
        using var file = RouterRules.Watch(PathOf("router.yaml"), _logger, _time, Debounce);
        Assert.Equal(["reviews"], file.Current.Services);

        // The update: a new timestamped directory, a "..data_tmp" symlink to it renamed over "..data", the old one removed.
        Directory.CreateDirectory(PathOf("..2026_11_30_b"));
        File.WriteAllText(PathOf("..2026_11_30_b", "router.yaml"), V2);
        File.CreateSymbolicLink(PathOf("..data_tmp"), "..2026_11_30_b");
        await RenameOverAsync("..data_tmp", "..data");
        Directory.Delete(PathOf("..2026_11_30_a"), recursive: true);

        await ReloadUntilAsync(file, rules => rules.Services.Count == 2);
        Assert.Equal(["ratings", "reviews"], file.Current.Services.Order(StringComparer.Ordinal));
        Assert.Null(file.LastError);

        // And the next update the same way.
        Directory.CreateDirectory(PathOf("..2026_11_30_c"));
        File.WriteAllText(PathOf("..2026_11_30_c", "router.yaml"), V3);
        File.CreateSymbolicLink(PathOf("..data_tmp"), "..2026_11_30_c");
        await RenameOverAsync("..data_tmp", "..data");

        await ReloadUntilAsync(file, rules => rules.Services.SequenceEqual(["ratings"]));
    }

    [Fact]
    public async Task An_editor_save_by_rename_is_reloaded()
    {
        File.WriteAllText(PathOf("router.yaml"), V1);
        using var file = RouterRules.Watch(PathOf("router.yaml"), _logger, _time, Debounce);

        File.WriteAllText(PathOf(".router.yaml.swp"), V2);
        File.Move(PathOf(".router.yaml.swp"), PathOf("router.yaml"), overwrite: true);

        await ReloadUntilAsync(file, rules => rules.Services.Count == 2);
    }

    [Fact]
    public async Task A_deleted_file_keeps_the_last_good_rules_and_its_re_creation_is_reloaded()
    {
        File.WriteAllText(PathOf("router.yaml"), V1);
        using var file = RouterRules.Watch(PathOf("router.yaml"), _logger, _time, Debounce);
        var good = file.Current;

        File.Delete(PathOf("router.yaml"));
        await ReloadUntilAsync(file, _ => file.LastError is not null);
        Assert.Same(good, file.Current);
        Assert.StartsWith($"{PathOf("router.yaml")}: cannot read the file:", file.LastError!.Message, StringComparison.Ordinal);

        File.WriteAllText(PathOf("router.yaml"), V2);
        await ReloadUntilAsync(file, rules => rules.Services.Count == 2);
        Assert.Null(file.LastError);
    }

    [Fact]
    public async Task An_unclosed_flow_sequence_saved_into_a_running_app_is_logged_and_the_last_good_rules_stay()
    {
        File.WriteAllText(PathOf("router.yaml"), V1);
        using var file = RouterRules.Watch(PathOf("router.yaml"), _logger, _time, Debounce);
        var good = file.Current;

        File.WriteAllText(PathOf("router.yaml"), UnclosedFlow);
        await ReloadUntilAsync(file, _ => file.LastError is not null); // Advance runs the timer callback inline: nothing escaped it

        Assert.Same(good, file.Current);
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(PathOf("router.yaml"))}:\d+:\d+: \S", file.LastError!.Message);
        var entry = Assert.Single(_logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal(3101, entry.EventId.Id);
        Assert.Equal($"{file.LastError.Message}; the last good configuration stays in force", entry.Message);

        // The author fixes the file: it reloads.
        File.WriteAllText(PathOf("router.yaml"), V2);
        await ReloadUntilAsync(file, rules => rules.Services.Count == 2);
    }

    [Fact]
    public void Another_file_of_the_directory_changing_does_not_raise_reloaded()
    {
        File.WriteAllText(PathOf("router.yaml"), V1);
        using var file = new RoutingConfigurationFile<RouterRules>(PathOf("router.yaml"), (text, name) => RouterRules.Parse(text, name), _logger, _time, Debounce, watchFileSystem: false);
        var reloads = 0;
        file.Reloaded += (_, _) => reloads++;

        File.WriteAllText(PathOf("other.yaml"), V2);
        file.NotifyChanged();
        _time.Advance(Debounce);

        Assert.Equal(0, reloads);
        Assert.Null(file.LastError);
    }

    /// <summary>rename(2) of a symlink over another, as the kubelet's atomic writer does (File.Move follows the link).</summary>
    private Task RenameOverAsync(string from, string to) => KubeletVolume.RenameOverAsync(PathOf(from), PathOf(to), Bound);

    private string PathOf(params string[] parts) => Path.Combine([_directory, .. parts]);

    /// <summary>
    /// Waits (bounded) for the watcher to arm the debounce timer, fires it, and repeats until <paramref name="done"/>
    /// holds: the OS may deliver a change as several events.
    /// </summary>
    private async Task ReloadUntilAsync(RoutingConfigurationFile<RouterRules> file, Func<RouterRules, bool> done)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (!done(file.Current))
        {
            await WaitForArmedTimerAsync().WaitAsync(bound.Token);
            _time.Advance(Debounce);
        }
    }

    private Task WaitForArmedTimerAsync()
    {
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler? onChanged = null;
        onChanged = (_, _) =>
        {
            if (_time.ArmedTimerCount > 0)
            {
                _time.TimerChanged -= onChanged;
                armed.TrySetResult();
            }
        };
        _time.TimerChanged += onChanged;
        onChanged(null, EventArgs.Empty);
        return armed.Task;
    }
}
