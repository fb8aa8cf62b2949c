namespace MeshClient.Xds.Protocol;

/// <summary>
/// The invalid resources of one discovery response (gRFC A46): a message for each, and the names of those whose name
/// could be read, so the cache keeps their last good version. The joined messages become the NACK's error_detail.
/// </summary>
internal sealed class XdsResourceErrors
{
    private readonly List<string> _messages = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Whether any resource was invalid.</summary>
    public bool Any => _messages.Count > 0;

    /// <summary>The messages, in the order found.</summary>
    public IReadOnlyList<string> Messages => _messages;

    /// <summary>Whether some invalid resource has no name that could be read.</summary>
    public bool AnyUnnamed { get; private set; }

    /// <summary>The names of the invalid resources that have a name.</summary>
    public IReadOnlySet<string> Names => _names;

    /// <summary>Records an invalid resource.</summary>
    /// <param name="name">Its name, or <see langword="null"/> when it cannot be read.</param>
    /// <param name="message">What is wrong, naming the resource.</param>
    public void Add(string? name, string message)
    {
        if (name is not null)
        {
            _names.Add(name);
        }
        else
        {
            AnyUnnamed = true;
        }

        _messages.Add(message);
    }

    /// <summary>The NACK's error_detail: every message, separated by "; ".</summary>
    /// <returns>The detail.</returns>
    public string Describe() => string.Join("; ", _messages);
}
