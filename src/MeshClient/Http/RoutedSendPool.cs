namespace MeshClient.Http;

/// <summary>
/// The idle <see cref="RoutedSend"/>s of one handler: a call takes one (or creates one) and gives it back when it
/// ends, just before its caller's task completes. Lock-free; holds at most <see cref="Capacity"/>, enough for the calls in flight of a busy
/// client (more in flight only means more are created, and dropped when they come back).
/// </summary>
internal sealed class RoutedSendPool
{
    public const int Capacity = 64;

    private readonly RoutedSend?[] _idle = new RoutedSend?[Capacity];

    public RoutedSend Rent()
    {
        var idle = _idle;
        for (var i = 0; i < idle.Length; i++)
        {
            if (Volatile.Read(ref idle[i]) is { } send && Interlocked.CompareExchange(ref idle[i], null, send) == send)
            {
                return send;
            }
        }

        return new RoutedSend();
    }

    public void Return(RoutedSend send)
    {
        var idle = _idle;
        for (var i = 0; i < idle.Length; i++)
        {
            if (Volatile.Read(ref idle[i]) is null && Interlocked.CompareExchange(ref idle[i], send, null) is null)
            {
                return;
            }
        }
    }
}
