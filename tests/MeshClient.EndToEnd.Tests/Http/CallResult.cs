namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>One call the app made: the backend that answered (its name) and the status, or the error.</summary>
internal sealed record CallResult(int Index, string? Backend, int? Status, string? Error)
{
    public bool Succeeded => Status == 200;

    public override string ToString() => Succeeded ? $"#{Index} {Backend}" : $"#{Index} FAILED {Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Error}";
}
