using MeshClient.Routing;
using MeshClient.Testing;
using MeshClient.Tests.Shared;
using Microsoft.Extensions.Logging;

namespace MeshClient.Tests.Routing;

/// <summary>Loading router.yaml from a file and reloading it on change, after a debounce, keeping the last good rules.</summary>
public sealed class RoutingConfigurationFileTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private const string V1 = "routeRule:\n  reviews:\n    - route: [{tags: {version: v1}, weight: 100}]\n";
    private const string V2 = "routeRule:\n  reviews:\n    - route: [{tags: {version: v2}, weight: 100}]\n  ratings:\n    - route: [{tags: {version: v2}, weight: 100}]\n";
    private const string Bad = "routeRule:\n  reviews:\n    - route: [{tags: {version: v1}, weight: 120}]\n";

    private readonly string _directory = Directory.CreateTempSubdirectory("meshclient-routing-").FullName;
    private readonly SignalingTimeProvider _time = new();
    private readonly RecordingLogger _logger = new();

    private string PathOf(string name) => Path.Combine(_directory, name);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_bad_file_at_first_load_fails_with_its_position()
    {
        var path = PathOf("router.yaml");
        File.WriteAllText(path, Bad);
        var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.Watch(path, _logger, _time, Debounce));
        Assert.Equal($"{path}:3:45: weight must be from 0 to 100, got 120", error.Message);
    }

    [Fact]
    public async Task A_change_on_disk_is_reloaded_after_the_debounce()
    {
        var path = PathOf("router.yaml");
        File.WriteAllText(path, V1);
        using var file = RouterRules.Watch(path, _logger, _time, Debounce);
        Assert.Equal(["reviews"], file.Current.Services);

        var reloaded = new TaskCompletionSource<RouterRules>(TaskCreationOptions.RunContinuationsAsynchronously);
        file.Reloaded += (_, rules) => reloaded.TrySetResult(rules);
        var armed = WaitForArmedTimer();
        File.WriteAllText(path, V2);
        await armed.WaitAsync(Bound);

        // Not yet: the debounce has not passed.
        _time.Advance(Debounce - TimeSpan.FromMilliseconds(1));
        Assert.False(reloaded.Task.IsCompleted);
        Assert.Equal(["reviews"], file.Current.Services);

        _time.Advance(TimeSpan.FromMilliseconds(1));

        // The OS may report the write as several events; a late one re-arms the debounce, so fire until it has run.
        using var bound = new CancellationTokenSource(Bound);
        while (!reloaded.Task.IsCompleted)
        {
            await Task.WhenAny(reloaded.Task, ArmedNowOrLater()).WaitAsync(bound.Token);
            _time.Advance(Debounce);
        }

        var rules = await reloaded.Task;
        Assert.Equal(2, rules.Services.Count);
        Assert.Same(rules, file.Current);
        Assert.Null(file.LastError);
    }

    [Fact]
    public async Task A_bad_edit_is_logged_and_the_last_good_rules_stay()
    {
        var path = PathOf("router.yaml");
        File.WriteAllText(path, V1);
        using var file = RouterRules.Watch(path, _logger, _time, Debounce);
        var good = file.Current;
        var router = new MeshRouter(new MeshClient.Registry.MeshRegistry(), good);
        file.Reloaded += (_, rules) => router.UpdateRules(rules);

        var failed = new TaskCompletionSource<MeshConfigurationException>(TaskCreationOptions.RunContinuationsAsynchronously);
        file.ReloadFailed += (_, error) => failed.TrySetResult(error);
        var armed = WaitForArmedTimer();
        File.WriteAllText(path, Bad);
        await armed.WaitAsync(Bound);
        _time.Advance(Debounce);

        var error = await failed.Task.WaitAsync(Bound);
        Assert.Equal($"{path}:3:45: weight must be from 0 to 100, got 120", error.Message);
        Assert.Same(good, file.Current);
        Assert.Same(good, router.Rules);
        Assert.Same(error, file.LastError);
        var entry = Assert.Single(_logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal(3101, entry.EventId.Id);
        Assert.Equal($"{path}:3:45: weight must be from 0 to 100, got 120; the last good configuration stays in force", entry.Message);
    }

    [Fact]
    public void Changes_within_the_debounce_are_read_once_with_the_last_content()
    {
        var path = PathOf("router.yaml");
        File.WriteAllText(path, V1);
        // Driven through the change notification alone (no file system watcher), so the count does not depend on
        // how many events the OS sends, nor when.
        using var file = new RoutingConfigurationFile<RouterRules>(path, (text, name) => RouterRules.Parse(text, name), _logger, _time, Debounce, watchFileSystem: false);
        var reloads = new List<RouterRules>();
        file.Reloaded += (_, rules) => reloads.Add(rules);

        File.WriteAllText(path, Bad);
        file.NotifyChanged();
        _time.Advance(TimeSpan.FromMilliseconds(300));
        File.WriteAllText(path, V2);
        file.NotifyChanged();
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Empty(reloads);
        _time.Advance(TimeSpan.FromMilliseconds(200));

        var rules = Assert.Single(reloads);
        Assert.Equal(2, rules.Services.Count);
        Assert.Null(file.LastError);
        Assert.DoesNotContain(_logger.Entries, e => e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task DestinationRule_files_reload_too()
    {
        var path = PathOf("dr.yaml");
        File.WriteAllText(path, MeshFixtures.SeedDestinationRuleYaml);
        using var file = DestinationRuleSet.Watch(path, "shop", _logger, _time, Debounce);
        Assert.Equal(["targetservice.shop"], file.Current.Hosts);

        var reloaded = new TaskCompletionSource<DestinationRuleSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        file.Reloaded += (_, set) => reloaded.TrySetResult(set);
        var armed = WaitForArmedTimer();
        File.WriteAllText(path, MeshFixtures.SeedDestinationRuleYaml.Replace("host: targetService", "host: reviews", StringComparison.Ordinal));
        await armed.WaitAsync(Bound);
        _time.Advance(Debounce);
        Assert.Equal(["reviews.shop"], (await reloaded.Task.WaitAsync(Bound)).Hosts);
    }

    private Task ArmedNowOrLater() => _time.ArmedTimerCount > 0 ? Task.CompletedTask : WaitForArmedTimer();

    private Task WaitForArmedTimer()
    {
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _time.TimerChanged += (_, _) =>
        {
            if (_time.ArmedTimerCount > 0)
            {
                armed.TrySetResult();
            }
        };
        return armed.Task;
    }
}
