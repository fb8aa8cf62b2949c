using System.Globalization;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// One call a caller made while Pilot pushed: its ticks on the <see cref="OrderClock"/> just before it was sent and
/// just after it completed, the backend that answered (its name) and the status, or the error, and the port of every
/// attempt the mesh handler sent for it (a retry is a second attempt).
/// </summary>
internal sealed record ChurnCall(string Caller, int Index, long Start, long End, string? Backend, int? Status, string? Error, IReadOnlyList<int> AttemptPorts)
{
    public bool Succeeded => Status == 200 && Error is null;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Caller} #{Index} ticks {Start}..{End}: {(Succeeded ? Backend : $"FAILED {Status} {Error}")}, attempts on ports [{string.Join(", ", AttemptPorts)}]");
}
