using MeshClient.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient.Routing;

/// <summary>
/// A routing configuration file (router.yaml or DestinationRules) that is loaded at once and reloaded when it
/// changes on disk, after a quiet period. A bad edit is logged as <c>FILE:LINE:COLUMN: reason</c> and raises
/// <see cref="ReloadFailed"/>; <see cref="Current"/> keeps the last good content.
/// </summary>
/// <typeparam name="T">The parsed content: <see cref="RouterRules"/> or <see cref="DestinationRuleSet"/>.</typeparam>
internal sealed partial class RoutingConfigurationFile<T> : IDisposable
    where T : class
{
    private static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(500);

    private readonly Func<string, string, T> _parse;
    private readonly ILogger _logger;
    private readonly TimeSpan _debounce;
    private readonly ITimer _timer;
    private readonly FileSystemWatcher? _watcher;
    private readonly object _reloadLock = new();
    private T _current;
    private string _text;
    private volatile MeshConfigurationException? _lastError;
    private int _disposed;

    internal RoutingConfigurationFile(
        string path,
        Func<string, string, T> parse,
        ILogger? logger,
        TimeProvider? timeProvider,
        TimeSpan? debounce,
        bool watchFileSystem = true)
    {
        Path = path;
        _parse = parse;
        _logger = logger ?? NullLogger.Instance;
        _debounce = debounce ?? DefaultDebounce;
        ArgumentOutOfRangeException.ThrowIfLessThan(_debounce, TimeSpan.Zero);

        // First load: a bad file fails start-up with its FILE:LINE:COLUMN message.
        _text = ReadText(path);
        _current = Parse(_text);
        _timer = (timeProvider ?? TimeProvider.System).CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        var full = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(full);
        if (watchFileSystem && directory is not null)
        {
            // The whole directory, not just the file: a Kubernetes ConfigMap update swaps the "..data" symlink by a
            // rename, so no event names the file itself; editors save by rename; a file may be deleted and re-created.
            // Any event reloads (debounced), and content that did not change raises nothing.
            _watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Deleted += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.Error += OnWatcherError;
            _watcher.EnableRaisingEvents = true;
        }
    }

    /// <summary>Raised after a changed file was loaded; the argument is the new content.</summary>
    public event EventHandler<T>? Reloaded;

    /// <summary>Raised when a changed file could not be loaded; the last good content stays in <see cref="Current"/>.</summary>
    public event EventHandler<MeshConfigurationException>? ReloadFailed;

    /// <summary>The file path as given.</summary>
    public string Path { get; }

    /// <summary>The last good content.</summary>
    public T Current => Volatile.Read(ref _current);

    /// <summary>The error of the last reload, or <see langword="null"/> when it succeeded.</summary>
    public MeshConfigurationException? LastError => _lastError;

    /// <summary>Stops watching the file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _watcher?.Dispose();
        _timer.Dispose();
    }

    internal static string ReadText(string path)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > YamlLimits.MaxChars)
            {
                throw new MeshConfigurationException(path, 0, 0, $"the file is {length} bytes long, over the limit of {YamlLimits.MaxChars}");
            }

            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new MeshConfigurationException(path, 0, 0, $"cannot read the file: {ex.Message}", ex);
        }
    }

    /// <summary>Notes a change of the file: the reload runs once the debounce time passes without another change.</summary>
    internal void NotifyChanged()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Disposed between the check and the change: nothing to reload any more.
            }
        }
    }

    /// <summary>Reads and parses the file now, keeping the last good content on error. Never throws.</summary>
    internal void Reload()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        T loaded;
        lock (_reloadLock)
        {
            try
            {
                var text = ReadText(Path);
                if (string.Equals(text, _text, StringComparison.Ordinal))
                {
                    // Touched, renamed or re-created with the same content (or another file of the directory changed).
                    _lastError = null;
                    return;
                }

                loaded = Parse(text);
                _text = text;
            }
            catch (MeshConfigurationException ex)
            {
                _lastError = ex;
                LogReloadFailed(_logger, ex.Message);
                EventSubscribers.Raise(ReloadFailed, this, ex, "RoutingConfigurationFile.ReloadFailed", _logger);
                return;
            }

            _lastError = null;
            Volatile.Write(ref _current, loaded);
        }

        LogReloaded(_logger, Path);
        EventSubscribers.Raise(Reloaded, this, loaded, "RoutingConfigurationFile.Reloaded", _logger);
    }

    /// <summary>Parses <paramref name="text"/>; any failure, of any exception type, is a load error of the file.</summary>
    private T Parse(string text)
    {
        try
        {
            return _parse(text, Path);
        }
        catch (Exception ex) when (ex is not MeshConfigurationException)
        {
            throw MeshConfigurationException.Unexpected(Path, ex);
        }
    }

    private void OnTimer()
    {
        try
        {
            Reload();
        }
        catch (Exception ex)
        {
            // Reload handles every failure; this is the last guard so nothing ever leaves a timer callback.
            LogReloadCrashed(_logger, Path, ex);
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => NotifyChanged();

    private void OnWatcherError(object sender, ErrorEventArgs e)
    {
        // The watcher's buffer overflowed or it lost the directory: check the file, as something may have changed.
        LogWatcherError(_logger, Path, e.GetException());
        NotifyChanged();
    }
}
