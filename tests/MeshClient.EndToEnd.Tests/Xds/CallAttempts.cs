namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// The ports of the attempts of the call running in the current async flow: a caller sets <see cref="Current"/>
/// before it sends, and a <see cref="CallAttemptRecorder"/> inside the mesh handler (which runs in that flow, retries
/// too) adds each attempt's port.
/// </summary>
internal sealed class CallAttempts
{
    private static readonly AsyncLocal<CallAttempts?> CurrentCall = new();
    private readonly List<int> _ports = [];

    /// <summary>The attempts of the call in this async flow, or <see langword="null"/> outside a recorded call.</summary>
    public static CallAttempts? Current
    {
        get => CurrentCall.Value;
        set => CurrentCall.Value = value;
    }

    public IReadOnlyList<int> Ports
    {
        get
        {
            lock (_ports)
            {
                return [.. _ports];
            }
        }
    }

    public void Add(int port)
    {
        lock (_ports)
        {
            _ports.Add(port);
        }
    }
}
