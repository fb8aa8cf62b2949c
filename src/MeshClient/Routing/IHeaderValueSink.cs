namespace MeshClient.Routing;

/// <summary>Receives the header values a decision reads, each under the slot of its name.</summary>
internal interface IHeaderValueSink
{
    /// <summary>Takes the first value of the header whose name is at <paramref name="slot"/>.</summary>
    /// <param name="slot">The index of the name among the wanted names.</param>
    /// <param name="value">The value.</param>
    void Accept(int slot, ReadOnlySpan<char> value);
}
